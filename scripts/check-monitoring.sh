#!/usr/bin/env bash
# Checks the monitoring config: the Prometheus configs (compose and Kubernetes), the alert rules
# (syntax and unit tests) and the Alertmanager config, including where each severity is routed.
# Needs promtool and amtool (Debian: apt-get install prometheus prometheus-alertmanager).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in promtool amtool; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "check-monitoring: ${missing[*]} not found on PATH." >&2
  echo "  Install them, e.g. apt-get install prometheus prometheus-alertmanager (Debian/Ubuntu)," >&2
  echo "  or the release archives from https://prometheus.io/download/" >&2
  exit 1
fi

run() {
  echo "== $*"
  "$@"
}

# prometheus/prometheus-kubernetes.yml (pod discovery, job relabelled to movie-reco). Debian's
# promtool is built without Kubernetes service discovery and rejects kubernetes_sd_configs as an
# unknown field; then the file is checked again with that block swapped for a static target, so
# everything else (relabelling, rule files, alerting) is still checked, and the block itself is
# left to an upstream promtool (https://prometheus.io/download/).
check_kubernetes_config() {
  local config=prometheus/prometheus-kubernetes.yml out
  echo "== promtool check config $config"
  if out="$(promtool check config "$config" 2>&1)"; then
    echo "$out"
    return
  fi
  if ! grep -q 'field kubernetes_sd_configs not found' <<<"$out"; then
    echo "$out" >&2
    return 1
  fi
  echo "   this promtool has no Kubernetes service discovery: checking $config with"
  echo "   kubernetes_sd_configs replaced by a static target (the SD block itself is not checked)"
  local dir status=0
  dir="$(mktemp -d)"
  cp prometheus/alerts.yml "$dir/"
  awk '
    skip && match($0, /^ */) && RLENGTH <= indent && $0 !~ /^ *$/ { skip = 0 }
    skip { next }
    /^ *kubernetes_sd_configs:/ {
      indent = index($0, "k") - 1
      printf "%*sstatic_configs: [{ targets: [\"pod-ip:8000\"] }]\n", indent, ""
      skip = 1
      next
    }
    { print }
  ' "$config" >"$dir/prometheus-kubernetes.yml"
  if grep -q 'static_configs' "$dir/prometheus-kubernetes.yml"; then
    promtool check config "$dir/prometheus-kubernetes.yml" || status=$?
  else
    echo "could not replace kubernetes_sd_configs in $config" >&2
    status=1
  fi
  rm -rf "$dir"
  return "$status"
}

run promtool check config prometheus/prometheus.yml
check_kubernetes_config
run promtool check rules prometheus/alerts.yml
run promtool test rules prometheus/alerts.test.yml
run amtool check-config alertmanager/alertmanager.yml

# Routing: critical pages, warning goes to chat.
for route in critical:pager warning:chat; do
  severity="${route%%:*}" receiver="${route#*:}"
  echo "== amtool config routes test severity=$severity (expect $receiver)"
  amtool config routes test --config.file=alertmanager/alertmanager.yml --verify.receivers="$receiver" \
    alertname=Test job=movie-reco severity="$severity"
done

echo "monitoring checks passed"

#!/usr/bin/env bash
# Checks the monitoring config: Prometheus config and alert rules (syntax and unit tests) and the
# Alertmanager config, including where each severity is routed. Needs promtool and amtool
# (Debian: apt-get install prometheus prometheus-alertmanager).
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

run promtool check config prometheus/prometheus.yml
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

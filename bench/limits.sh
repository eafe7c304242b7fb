#!/bin/bash
# The token brute-force and /metrics figures of BENCHMARKS.md. A server must listen on 127.0.0.1:PORT on
# the database DB (default doors_bench, on 127.0.0.1:5432 as postgres), loaded and with a model,
# and AUTH_CLIENTS must hold a client "ops" (its secret in OPS_SECRET for the brute section).
#   bench/limits.sh PORT scrapes   # /metrics cost, and /movies/1 during 40 concurrent scrapers
#   bench/limits.sh PORT brute     # wrong secrets one by one: where the first 429 comes, twice
#   bench/limits.sh PORT flood     # wrong secrets from 10 connections for 10 s: statuses counted
set -u
PORT=$1; WHAT=$2; B=http://127.0.0.1:$PORT; DB=${DB:-doors_bench}
AC="npx autocannon -j"
summ() {
  node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8"));const s=Object.fromEntries(Object.entries(r.statusCodeStats??{}).map(([k,v])=>[k,v.count]));console.log(`${process.argv[1]}: ${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms, statuses ${JSON.stringify(s)}, errors ${r.errors}`)' "$1"
}
xact() { psql -h 127.0.0.1 -U postgres -d "$DB" -Atc "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$DB'"; }
echo "== $WHAT $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
case $WHAT in
scrapes)
  # Database transactions per scrape over 200 scrapes in a row (the statistics flush within 1 s).
  sleep 2; a=$(xact); for i in $(seq 200); do curl -s -o /dev/null $B/metrics; done; sleep 2; b=$(xact)
  echo "database transactions per scrape: $(node -e "console.log(((${b} - ${a}) / 200).toFixed(2))")"
  $AC -c 1 -d 10 $B/metrics | summ "/metrics, 1 connection, 10 s"
  $AC -c 8 -d 15 $B/movies/1 | summ "/movies/1 alone, 8 connections, 15 s"
  $AC -c 40 -d 25 $B/metrics > /tmp/limits-scrapes.json &
  sleep 4
  $AC -c 8 -d 15 $B/movies/1 | summ "/movies/1 during 40 concurrent /metrics scrapers, 8 connections, 15 s"
  wait
  summ "/metrics, 40 connections, 25 s (around the above)" < /tmp/limits-scrapes.json
  ;;
brute)
  attempt() { curl -s -o /dev/null -D - -w 'STATUS %{http_code}\n' $B/oauth/token -d grant_type=client_credentials -d client_id=ops -d client_secret=wrong-$RANDOM; }
  round() {
    for i in $(seq 1 100); do
      out=$(attempt); s=$(echo "$out" | awk '/^STATUS/{print $2}')
      if [ "$s" = 429 ]; then
        echo "first 429 at attempt $i (after $((i - 1)) answers 401); Retry-After $(echo "$out" | tr -d '\r' | awk -F': ' 'tolower($1)=="retry-after"{print $2}') s"
        return
      fi
    done
    echo "no 429 in 100 attempts"
  }
  round
  echo "the right secret, right after: $(curl -s -o /dev/null -w '%{http_code}' $B/oauth/token -d grant_type=client_credentials -d client_id=ops -d client_secret=${OPS_SECRET:-})"
  echo "waiting 61 s for the ban to end"; sleep 61
  round
  ;;
flood)
  $AC -c 10 -d 10 -m POST -H content-type=application/x-www-form-urlencoded \
    -b 'grant_type=client_credentials&client_id=ops&client_secret=wrong-guess' $B/oauth/token |
    summ "POST /oauth/token with a wrong secret, 10 connections, 10 s"
  ;;
esac

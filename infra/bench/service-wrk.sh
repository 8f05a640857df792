#!/usr/bin/env bash
# Load test of the one-command stack with wrk (Debian package "wrk"), which costs far less CPU
# than a Java client on the same two cores. Starts ./pfgm up --workers 0 in a temporary folder
# (jobs queue up; no worker competes for the cores), then runs a closed loop of CLIENTS
# connections against POST /v1/jobs and GET /v1/jobs/{id}.
#   usage: infra/bench/service-wrk.sh [CLIENTS=32] [SECONDS=20]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
clients="${1:-32}"
seconds="${2:-20}"
command -v wrk > /dev/null || { echo "service-wrk: needs wrk (apt-get install wrk)" >&2; exit 3; }
dir="$(mktemp -d)"
# one tenant's load, far past a tenant's default quotas: lift them (the checks still run)
export PFGM_QUOTA_ACTIVE_JOBS=10000000 PFGM_QUOTA_REQUESTS_PER_MINUTE=10000000
port=18190
"$root/pfgm" up --data-dir "$dir/stack" --port "$port" --workers 0 > "$dir/up.out" 2> "$dir/up.err" &
up=$!
trap 'kill -TERM $up 2> /dev/null; wait $up 2> /dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/readyz" > /dev/null 2>&1 && break
  sleep 0.5
done
key="$(cat "$dir/stack/api-key")"
cat > "$dir/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"type":"train","dataset":"builtin:moons","params":{"steps":1}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $key"
LUA
cat > "$dir/get.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $key"
LUA
url="http://127.0.0.1:$port"
echo "warm-up (10 s)..." >&2
wrk -t2 -c"$clients" -d10s -s "$dir/post.lua" "$url/v1/jobs" > /dev/null
echo "== POST /v1/jobs, $clients connections, ${seconds}s"
wrk -t2 -c"$clients" -d"${seconds}s" --latency -s "$dir/post.lua" "$url/v1/jobs" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors" || true
job="$(curl -s -X POST "$url/v1/jobs" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d '{"type":"train","dataset":"builtin:moons","params":{"steps":1}}' | sed 's/.*"id":"\([^"]*\)".*/\1/')"
echo "== GET /v1/jobs/{id}, $clients connections, ${seconds}s"
wrk -t2 -c"$clients" -d"${seconds}s" --latency -s "$dir/get.lua" "$url/v1/jobs/$job" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors" || true

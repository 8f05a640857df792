#!/usr/bin/env bash
# What an idle one-command stack costs: starts ./pfgm up (one worker) in a temporary folder, lets it
# settle (the JIT compilers finish warming), then prints the CPU time its three parts used over a
# window in which nothing is submitted: the up process (gateway, Kafka, S3 store), the worker
# process and PostgreSQL (the postmaster and its children). Linux only (/proc).
#
#   usage: infra/bench/idle-cpu.sh [--settle SECONDS] [--window SECONDS]   (defaults 120 and 120)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
settle=120; window=120
while [[ $# -gt 0 ]]; do
  case "$1" in
    --settle) settle="$2"; shift 2;; --window) window="$2"; shift 2;;
    *) echo "idle-cpu.sh: unknown option $1" >&2; exit 2;;
  esac
done
dir="$(mktemp -d)"
"$root/pfgm" up --data-dir "$dir/stack" --port 0 > "$dir/up.out" 2> "$dir/up.err" &
up=$!
trap 'kill -TERM $up 2> /dev/null; wait 2> /dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 240); do grep -q api_key_file "$dir/up.out" 2> /dev/null && break; sleep 0.5; done
sleep "$settle"
worker="$(pgrep -f "WorkerMain --env $dir/stack/stack.env")"
postmaster="$(pgrep -f -- "-D $dir/stack/postgres" | head -1)"
# user + system CPU time of the given processes, in clock ticks
ticks() { for p in "$@"; do awk '{print $14 + $15}' "/proc/$p/stat" 2> /dev/null || echo 0; done | paste -sd+ | bc; }
pg() { echo "$postmaster" $(pgrep -P "$postmaster"); }
a_up=$(ticks $up); a_worker=$(ticks $worker); a_pg=$(ticks $(pg))
sleep "$window"
b_up=$(ticks $up); b_worker=$(ticks $worker); b_pg=$(ticks $(pg))
hz=$(getconf CLK_TCK)
share() { echo "scale=1; 100 * $1 / ($hz * $window)" | bc; }
echo "idle for ${window} s after ${settle} s, % of one core: up $(share $((b_up - a_up))), worker" \
  "$(share $((b_worker - a_worker))), postgres $(share $((b_pg - a_pg))), all $(share $((b_up - a_up + b_worker - a_worker + b_pg - a_pg)))"

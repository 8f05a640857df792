#!/usr/bin/env bash
# Bulk synthesis throughput on this machine, side by side in one run: ./pfgm sample in one process,
# ./pfgm synthesize in one process, and synthesize jobs on the one-command stack (./pfgm up) with
# 1, 2, ... worker processes; per shard, where the time went (model, draw, write, upload, and the
# rest between claim and commit: the service's fixed cost) from GET /v1/jobs/{id}/shards; each
# worker's peak resident memory (VmHWM); the cost of log densities. Prints a markdown table.
#
#   usage: infra/bench/synthesis.sh [--data builtin:moons|FILE] [--format npy|csv|idx|png-zip]
#            [--train JSON] [--count N] [--shard-size K] [--solver S] [--steps K] [--workers "1 2"]
#            [--log-density-count N] [--service-only]   (--service-only: skip ./pfgm sample and synthesize)
#   e.g.   infra/bench/synthesis.sh --count 1000000
#          infra/bench/synthesis.sh --data train-images-idx3-ubyte.gz --format idx \
#            --train '{"aug_dim": 128, "lr": 0.001, "steps": 300}' --count 2000 --solver edm --steps 18
# The model is trained by the stack itself (a train job, JSON its params) and downloaded for the
# command-line runs, so every row compares the same model, solver, seed and count.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="builtin:moons"; format=""; train='{"steps": 20000}'; count=1000000; shard=""; solver="rk45"; steps=100
workers="1 2"; ldcount=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) data="$2"; shift 2;; --format) format="$2"; shift 2;; --train) train="$2"; shift 2;;
    --count) count="$2"; shift 2;; --shard-size) shard="$2"; shift 2;; --solver) solver="$2"; shift 2;;
    --steps) steps="$2"; shift 2;; --workers) workers="$2"; shift 2;; --log-density-count) ldcount="$2"; shift 2;;
    --service-only) service_only=1; shift;;
    *) echo "synthesis.sh: unknown option $1" >&2; exit 2;;
  esac
done
ldcount="${ldcount:-$(( count < 100000 ? count : 100000 ))}"
dir="$(mktemp -d)"; port=18270; pids=()
"$root/pfgm" up --data-dir "$dir/stack" --port "$port" --workers 0 > "$dir/up.out" 2> "$dir/up.err" &
up=$!
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2> /dev/null || true; done; kill -TERM $up 2> /dev/null; wait 2> /dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/readyz" > /dev/null 2>&1 && break; sleep 0.5; done
api="http://127.0.0.1:$port"; auth="Authorization: Bearer $(cat "$dir/stack/api-key")"
json() { curl -sf -H "$auth" "$@"; }
wait_job() { while :; do j="$(json "$api/v1/jobs/$1")"; [[ "$(jq -r .terminal <<< "$j")" == true ]] && { echo "$j"; return; }; sleep 1; done; }
start_workers() {
  pids=()
  for i in $(seq 1 "$1"); do
    PFGM_WORKER_ID="bench-$i" "$root/pfgm" worker --env "$dir/stack/stack.env" > "$dir/worker-$i.log" 2>&1 &
    pids+=($!)
  done
  for i in $(seq 1 "$1"); do until grep -q joined "$dir/worker-$i.log" 2> /dev/null; do sleep 0.5; done; done
}
stop_workers() { for p in "${pids[@]}"; do kill -TERM "$p" 2> /dev/null || true; wait "$p" 2> /dev/null || true; done; pids=(); }
peak_rss() { for p in "${pids[@]}"; do c="$(pgrep -P "$p" java || echo "$p")"; grep VmHWM "/proc/$c/status" | awk '{printf "%d ", $2 / 1024}'; done; }

# 1. the model, trained by the stack
if [[ "$data" == builtin:* ]]; then dataset="$data"; else
  dataset="$(curl -sf -H "$auth" --data-binary @"$data" "$api/v1/datasets?name=bench&format=${format:-npy}" | jq -r .id)"
fi
start_workers 1
tj="$(json -H 'Content-Type: application/json' -d "{\"type\":\"train\",\"dataset\":\"$dataset\",\"params\":$train}" "$api/v1/jobs" | jq -r .id)"
t="$(wait_job "$tj")"; [[ "$(jq -r .status <<< "$t")" == succeeded ]] || { echo "training failed: $t" >&2; exit 1; }
model="$(jq -r .result.model <<< "$t")"
curl -sfL -H "$auth" -o "$dir/model.pfgm" "$api/v1/jobs/$tj/artifacts/model.pfgm"
stop_workers
flags=(--solver "$solver" --steps "$steps")
params="{\"count\":$count,\"seed\":1,\"solver\":\"$solver\",\"steps\":$steps,\"report\":false${shard:+,\"shard_size\":$shard}}"
echo "| run | rows | seconds | rows/s | NFE | notes |"
echo "|---|---|---|---|---|---|"

# 2. one process: sample, then synthesize (the same rows, in parts)
if [[ -z "${service_only:-}" ]]; then
s="$("$root/pfgm" sample --model "$dir/model.pfgm" --count "$count" --seed 1 --out "$dir/s.npy" "${flags[@]}" 2> /dev/null | tail -n1)"
echo "| ./pfgm sample | $count | $(jq .seconds <<< "$s") | $(jq '.samples_per_second | floor' <<< "$s") | $(jq .nfe <<< "$s") | one process, every core |"
y="$("$root/pfgm" synthesize --model "$dir/model.pfgm" --count "$count" --seed 1 --out "$dir/syn" --no-report "${flags[@]}" ${shard:+--shard-size $shard} 2> /dev/null | tail -n1)"
echo "| ./pfgm synthesize | $count | $(jq .seconds <<< "$y") | $(jq '.rows_per_second | floor' <<< "$y") | $(jq .nfe <<< "$y") | $(jq .parts <<< "$y") parts of $(jq .shard_size <<< "$y"), written while the next is drawn |"
fi

# 3. the service, with 1, 2, ... worker processes
for w in $workers; do
  start_workers "$w"
  id="$(json -H 'Content-Type: application/json' -d "{\"type\":\"synthesize\",\"model\":\"$model\",\"params\":$params}" "$api/v1/jobs" | jq -r .id)"
  j="$(wait_job "$id")"
  sh="$(json "$api/v1/jobs/$id/shards?limit=1000")"
  split="$(python3 -c '
import json, sys
from datetime import datetime
d = json.load(sys.stdin)["data"]
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
wall = sum(t(x["finished_at"]) - t(x["started_at"]) for x in d)
part = {k: sum(x["stats"][k + "_seconds"] for x in d) for k in ("model", "draw", "write", "upload")}
other = wall - sum(part.values())
print("draw %.1f s, write %.1f s, upload %.1f s, model %.1f s, claim-to-commit rest %.2f s (%.3f s a shard) over %d shards"
      % (part["draw"], part["write"], part["upload"], part["model"], other, other / len(d), len(d)))' <<< "$sh")"
  echo "| synthesize job, $w worker(s) | $count | $(jq .result.seconds <<< "$j") | $(jq '.result.rows_per_second | floor' <<< "$j") | $(jq .result.nfe <<< "$j") | $(jq .result.parts <<< "$j") shards; $split; peak RSS MB per worker: $(peak_rss) |"
  stop_workers
done

# 4. the cost of log densities (one process, the same rows with and without)
a="$("$root/pfgm" synthesize --model "$dir/model.pfgm" --count "$ldcount" --seed 1 --out "$dir/ld0" --no-report "${flags[@]}" 2> /dev/null | tail -n1)"
b="$("$root/pfgm" synthesize --model "$dir/model.pfgm" --count "$ldcount" --seed 1 --out "$dir/ld1" --no-report --log-density "${flags[@]}" 2> /dev/null | tail -n1)"
echo "| synthesize, no log density | $ldcount | $(jq .seconds <<< "$a") | $(jq '.rows_per_second | floor' <<< "$a") | $(jq .nfe <<< "$a") | |"
echo "| synthesize --log-density | $ldcount | $(jq .seconds <<< "$b") | $(jq '.rows_per_second | floor' <<< "$b") | $(jq .nfe <<< "$b") | $(jq -n "$(jq .seconds <<< "$b") / $(jq .seconds <<< "$a") * 100 | round / 100")x the time |"
cmp -s "$dir/ld0/part-00000.npy" "$dir/ld1/part-00000.npy" && echo "(the rows are byte-identical with and without log densities)"

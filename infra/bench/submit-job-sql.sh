#!/usr/bin/env bash
# What one call of the database function submit_job costs: today's (R__submit_job.sql) against a
# baseline, in one database, alternately (odd rounds the baseline first, even rounds today's first).
# The baseline is V11's function (the unfinished statuses as a parameter), or with REV the
# R__submit_job.sql of that git revision. Starts ./pfgm up --workers 0 in a temporary folder, gives
# the tenant 200,000 finished jobs (a long-lived tenant) and an uploaded dataset's row, installs the
# baseline under another name, then times ROUNDS rounds of 500 calls for each function, naming
# builtin data and then the uploaded dataset; each 500 calls are rolled back.
# Needs psql (Debian package postgresql-client).
#   usage: infra/bench/submit-job-sql.sh [ROUNDS=4] [REV]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds="${1:-4}"
rev="${2:-}"
command -v psql > /dev/null || { echo "submit-job-sql: needs psql (apt-get install postgresql-client)" >&2; exit 3; }
migrations="migrations/src/main/resources/db/migration"
if [ -n "$rev" ]; then
  baseline="$(git -C "$root" show "$rev:$migrations/R__submit_job.sql")" \
    || { echo "submit-job-sql: no $migrations/R__submit_job.sql at '$rev'" >&2; exit 2; }
else
  baseline="$(cat "$root/$migrations/V11__submit_job_takes_its_message.sql")"
fi
dir="$(mktemp -d)"
"$root/pfgm" up --data-dir "$dir/stack" --port 0 --workers 0 > "$dir/up.out" 2> "$dir/up.err" &
up=$!
trap 'kill -TERM $up 2> /dev/null; wait $up 2> /dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 120); do
  grep -q '"url"' "$dir/up.out" 2> /dev/null && break
  sleep 0.5
done
port="$(sed -n 's/^postgres.port=//p' "$dir/stack/stack.properties")"
sql() { psql -X -q -h localhost -p "$port" -U postgres -d postgres "$@"; }
sql -c "INSERT INTO jobs (id, tenant, type, status, max_attempts, params, finished_at, result, attempt)
        SELECT gen_random_uuid(), 'admin', 'train', 'succeeded', 3, '{}'::jsonb, now(), '{}'::jsonb, 1
        FROM generate_series(1, 200000)"
upload="11111111-2222-3333-4444-555555555555"
sql -c "INSERT INTO datasets (id, tenant, name, format, count, dim, bytes, sha256, object_key)
        VALUES ('$upload', 'admin', 'd', 'csv', 10, 2, 100, 'x', 'datasets/x')"
sql -c "ANALYZE jobs"
printf '%s\n' "$baseline" | sed -n '/^CREATE \(OR REPLACE \)\{0,1\}FUNCTION/,$p' \
  | sed 's/^CREATE \(OR REPLACE \)\{0,1\}FUNCTION submit_job(/CREATE FUNCTION submit_job_baseline(/' | sql
# the arguments past the fifteen every version takes: V11's statuses, today's labels key (none here)
extra() {
  case "$(sql -Atc "SELECT pg_get_function_identity_arguments('$1'::regproc)")" in
    *"text[]") echo ", '{queued,running,cancelling}'" ;;
    *p_labels_key*) echo ", NULL" ;;
    *) echo "" ;;
  esac
}
base_extra="$(extra submit_job_baseline)"
today_extra="$(extra submit_job)"
args() { echo "gen_random_uuid(), 'admin', 'train', 3, '{}'::jsonb, '$1', NULL, NULL, 'h', 'pfgm.jobs.train', 1000000, NULL, NULL, NULL, '{}'::jsonb"; }
loop() { printf 'BEGIN;\nDO $$ BEGIN FOR i IN 1..500 LOOP PERFORM %s(%s); END LOOP; END $$;\nROLLBACK;\n' "$1" "$2"; }
ms() { { echo '\timing on'; loop "$1" "$2"; } | sql | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -n | tail -1; }
for r in $(seq 1 "$rounds"); do
  line="round $r: 500 calls:"
  for data in builtin:moons "$upload"; do
    if [ $((r % 2)) -eq 1 ]; then
      old="$(ms submit_job_baseline "$(args "$data")$base_extra")"
      new="$(ms submit_job "$(args "$data")$today_extra")"
    else
      new="$(ms submit_job "$(args "$data")$today_extra")"
      old="$(ms submit_job_baseline "$(args "$data")$base_extra")"
    fi
    line="$line $( [ "$data" = "$upload" ] && echo uploaded || echo builtin ) data: baseline $old ms, today $new ms;"
  done
  echo "${line%;}"
done

#!/usr/bin/env bash
# What one call of the database function submit_job costs, today's (R__submit_job.sql) against V11's (the
# unfinished statuses as a parameter), alternately, in one database. Starts ./pfgm up --workers 0
# in a temporary folder, gives the tenant 200,000 finished jobs (a long-lived tenant), installs
# V11's function under another name, then times ROUNDS pairs of 500 calls, each pair rolled back.
# Needs psql (Debian package postgresql-client).
#   usage: infra/bench/submit-job-sql.sh [ROUNDS=4]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds="${1:-4}"
command -v psql > /dev/null || { echo "submit-job-sql: needs psql (apt-get install postgresql-client)" >&2; exit 3; }
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
sql -c "ANALYZE jobs"
sed -n '/^CREATE FUNCTION/,$p' "$root/migrations/src/main/resources/db/migration/V11__submit_job_takes_its_message.sql" \
  | sed 's/^CREATE FUNCTION submit_job(/CREATE FUNCTION submit_job_v11(/' | sql
args="gen_random_uuid(), 'admin', 'train', 3, '{}'::jsonb, 'builtin:moons', NULL, NULL, 'h', 'pfgm.jobs.train', 1000000, NULL, NULL, NULL, '{}'::jsonb"
loop() { printf 'BEGIN;\nDO $$ BEGIN FOR i IN 1..500 LOOP PERFORM %s(%s); END LOOP; END $$;\nROLLBACK;\n' "$1" "$2"; }
ms() { { echo '\timing on'; loop "$1" "$2"; } | sql | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -n | tail -1; }
for r in $(seq 1 "$rounds"); do
  old="$(ms submit_job_v11 "$args, '{queued,running,cancelling}'")"
  new="$(ms submit_job "$args, NULL")" # p_labels_key: builtin data has none
  echo "round $r: 500 calls: V11 $old ms, today $new ms"
done

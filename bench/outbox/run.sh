#!/usr/bin/env bash
# Outbox model, one command: bench/outbox/run.sh
# pgbench on the outbox alone, before V10 (claim and outcome update the wide outbox row) and since (claim and retries
# update a narrow queue row; the outcome deletes it and updates the outbox row once), in a scratch schema of the
# embedded PostgreSQL (the service is started with its dispatcher off only to run it). Each pgbench client books
# (four messages: two reminders for later, the confirmation and the hospital event now; weight 10) or dispatches
# (claims up to 20 due messages and records their outcome; weight 2), so the dispatcher keeps up. The two variants
# alternate ROUNDS times, each on a fresh schema with HISTORY finished messages, so that a machine whose speed drifts
# shows it. Prints bookings/s, dispatch rounds/s and their latency, WAL per booking and what was left undispatched.
# This isolates the outbox's own SQL: the booking benchmark (bench/booking) is the end-to-end figure, and there the
# two variants could not be told apart (README, "Booking benchmark").
# Knobs: CLIENTS (8), DURATION seconds per run (60), ROUNDS (2), HISTORY (300000).
set -euo pipefail
cd "$(dirname "$0")/../.."
CLIENTS=${CLIENTS:-8}
DURATION=${DURATION:-60}
ROUNDS=${ROUNDS:-2}
HISTORY=${HISTORY:-300000}
PORT=${BENCH_PORT:-18082}
PGPORT=${BENCH_PG_PORT:-55434}
PGBENCH=${PGBENCH:-$(ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -1)}
[ -x "$PGBENCH" ] || { echo "pgbench not found: apt-get install postgresql (or set PGBENCH)"; exit 1; }
DATA=$(mktemp -d)
OUT=bench/results/outbox-$(date -u +%Y%m%dT%H%M%SZ).txt
PSQL="psql -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -qtA -v ON_ERROR_STOP=1"

./mvnw -q -B -pl api -am package -DskipTests
PORT=$PORT DATA_DIR=$DATA EMBEDDED_DB_PORT=$PGPORT DISPATCHER_ENABLED=false \
  java -Xmx512m -jar api/target/api-0.1.0-SNAPSHOT.jar >"$DATA/app.log" 2>&1 &
APP=$!
trap 'kill $APP 2>/dev/null; wait $APP 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 90); do curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && break; sleep 1; done

run() {
  local v=$1 l0 l1 out
  $PSQL -v history="$HISTORY" -f bench/outbox/schema.sql >/dev/null
  l0=$($PSQL -c "select pg_current_wal_lsn()")
  # -M simple: the dispatch scripts put the claimed ids into the next statement as text.
  out=$("$PGBENCH" -h 127.0.0.1 -p "$PGPORT" -U postgres -n -M simple -c "$CLIENTS" -j 2 -T "$DURATION" \
    -f "bench/outbox/book_$v.sql@10" -f "bench/outbox/dispatch_$v.sql@2" postgres 2>&1)
  l1=$($PSQL -c "select pg_current_wal_lsn()")
  echo "$out" | awk -v v="$v" -v wal="$($PSQL -c "select pg_wal_lsn_diff('$l1', '$l0')")" '
    /^SQL script 1/ { s = 1 } /^SQL script 2/ { s = 2 }
    / - [0-9]+ transactions/ { n[s] = $2; sub(/.*tps = /, ""); sub(/\)/, ""); tps[s] = $0 }
    / - latency average/ { lat[s] = $5 }
    END { printf "%-6s bookings %6.0f/s (%.1f ms), dispatch rounds %5.0f/s (%.1f ms), WAL %.1f kB per booking\n",
            v, tps[1], lat[1], tps[2], lat[2], wal / n[1] / 1000 }'
  local table=obench.${v}_outbox
  echo "       left undispatched: $($PSQL -c "select count(*) from $table where status <> 'done' and topic <> 'appointment.reminder'")"
}

{
  echo "# Outbox model $(date -u +%FT%TZ) on $(nproc) cores: $CLIENTS pgbench clients, $DURATION s per run, $HISTORY finished messages before each"
  for _ in $(seq 1 "$ROUNDS"); do run wide; run queue; done
} | tee "$OUT"
echo "recorded in $OUT"

#!/usr/bin/env bash
# Booking benchmark, one command: bench/booking/run.sh
# Starts the service (embedded PostgreSQL, fake WeChat), seeds slots and patients through the API, drives
# concurrent bookings and slot searches over HTTP with real tokens, checks for double bookings, then runs pgbench
# with the same SQL on the same database and prints the service/PostgreSQL ratio.
# Knobs: CONCURRENCY (64), DURATION seconds per phase (20), WARMUP seconds before each phase, not measured (10),
# PATIENTS (3000).
set -euo pipefail
cd "$(dirname "$0")/../.."
CONCURRENCY=${CONCURRENCY:-64}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-10}
PATIENTS=${PATIENTS:-3000}
PORT=${BENCH_PORT:-18080}
PGPORT=${BENCH_PG_PORT:-55432}
WMPORT=${BENCH_WECHAT_PORT:-19999}
PGBENCH=${PGBENCH:-$(ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -1)}
[ -x "$PGBENCH" ] || { echo "pgbench not found: apt-get install postgresql (or set PGBENCH)"; exit 1; }
DATA=$(mktemp -d)
OUT=bench/results/booking-$(date -u +%Y%m%dT%H%M%SZ).txt
PSQL="psql -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -qtA"

./mvnw -q -B -pl api -am package -DskipTests
./mvnw -q -B dependency:copy -Dartifact=org.wiremock:wiremock-standalone:3.13.1 -DoutputDirectory=target
java -jar target/wiremock-standalone-3.13.1.jar --port "$WMPORT" --root-dir docker/fake-wechat \
  --no-request-journal --container-threads 64 >"$DATA/wiremock.log" 2>&1 &
WM=$!
PORT=$PORT DATA_DIR=$DATA EMBEDDED_DB_PORT=$PGPORT INTEGRATION_CLIENT_SECRET=bench-secret \
  WECHAT_APPID=wx-bench WECHAT_SECRET=bench WECHAT_API_BASE_URL=http://127.0.0.1:$WMPORT \
  FORWARD_HEADERS_STRATEGY=framework MAX_UPCOMING_APPOINTMENTS=1000000 \
  java -Xmx1g ${APP_JAVA_OPTS:-} -jar api/target/api-0.1.0-SNAPSHOT.jar >"$DATA/app.log" 2>&1 &
APP=$!
trap 'kill $APP $WM 2>/dev/null; wait $APP 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 90); do curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && break; sleep 1; done

{
  echo "# Booking benchmark $(date -u +%FT%TZ) on $(nproc) cores; concurrency $CONCURRENCY, $DURATION s per phase after $WARMUP s of warm-up"
  java bench/booking/Bench.java "http://127.0.0.1:$PORT" his-dev bench-secret "$PATIENTS" "$CONCURRENCY" "$DURATION" "$DATA/slots.txt" "$WARMUP"
  echo "invariants after the HTTP run:"
  echo "  slots booked beyond capacity: $($PSQL -c "select count(*) from app.slots where booked > capacity")"
  echo "  slots whose booked count differs from their live appointments: $($PSQL -c "select count(*) from app.slots s where s.booked <> (select count(*) from app.appointments a where a.slot_id = s.id and a.status in ('BOOKED','CHECKED_IN'))")"
  echo "  double bookings (same person, doctor and day): $($PSQL -c "select count(*) from (select 1 from app.appointments where status = 'BOOKED' group by person_key, doctor_id, local_date having count(*) > 1) x")"
  echo "  reminders without an appointment or appointments without a reminder: $($PSQL -c "select count(*) from app.appointments a where a.status = 'BOOKED' and not exists (select 1 from notifications.outbox o where o.subject_id = a.id and o.topic = 'appointment.reminder' and o.status = 'pending')")"
} | tee "$OUT"

$PSQL >/dev/null <<SQL
create schema bench;
create table bench.slot_ids as select row_number() over () as n, id from app.slots;
create table bench.patient_ids as select row_number() over () as n, id from app.patients;
create table bench.doctor_ids as select row_number() over () as n, id from app.doctors;
create index on bench.slot_ids (n); create index on bench.patient_ids (n); create index on bench.doctor_ids (n);
update app.slots set capacity = 100000000;
SQL
NSLOTS=$($PSQL -c "select count(*) from bench.slot_ids")
NPAT=$($PSQL -c "select count(*) from bench.patient_ids")
NDOC=$($PSQL -c "select count(*) from bench.doctor_ids")
run_pgbench() {
  "$PGBENCH" -h 127.0.0.1 -p "$PGPORT" -U postgres -n -c "$CONCURRENCY" -j 2 -T "$DURATION" "$@" postgres \
    >"$DATA/pgbench.log" 2>&1 || { echo "pgbench failed:" >&2; tail -20 "$DATA/pgbench.log" >&2; exit 1; }
  sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$DATA/pgbench.log"
}
{
  echo "pgbench, same SQL on the same database ($CONCURRENCY clients):"
  BOOK=$(run_pgbench -D nslots="$NSLOTS" -D npatients="$NPAT" -f bench/booking/book.sql)
  SEARCH=$(run_pgbench -D ndoctors="$NDOC" -f bench/booking/search.sql)
  echo "  booking transaction: $BOOK tps"
  echo "  slot search query:   $SEARCH tps"
  APP_BOOK=$(grep -o 'booking .* = [0-9]* req/s' "$OUT" | sed 's/.* = \([0-9]*\) req\/s/\1/')
  APP_SEARCH=$(grep -o 'search .* = [0-9]* req/s' "$OUT" | sed 's/.* = \([0-9]*\) req\/s/\1/')
  awk -v ab="$APP_BOOK" -v pb="$BOOK" -v as="$APP_SEARCH" -v ps="$SEARCH" 'BEGIN {
    printf "ratio service / PostgreSQL: booking %.2f (target >= 0.6), search %.2f (target >= 0.5)\n", ab / pb, as / ps }' 
} | tee -a "$OUT"
echo "recorded in $OUT"

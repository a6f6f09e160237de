#!/usr/bin/env bash
# Booking benchmark, one command: bench/booking/run.sh
# Starts the service (embedded PostgreSQL, fake WeChat), seeds slots and patients through the API, drives
# concurrent bookings and slot searches over HTTP with real tokens (wrk), checks for double bookings, then runs
# pgbench with the same SQL on the same database and prints the service/PostgreSQL ratio, and finally books at 0.6 of
# pgbench's rate (Paced.java) for the latency below saturation, stepping down to 0.5, 0.4 and 0.3 of it while p99 is
# over 50 ms. CPU per request is printed for each process.
# Knobs: CONCURRENCY (64), DURATION seconds per phase (20), PACED_DURATION seconds per fixed-rate phase (60: enough
# answers for a steady p99), WARMUP seconds before each phase, not measured (10),
# JIT_WARMUP seconds of booking and search once before the first phase, not measured (180: on two cores a fresh JVM
# compiles for about three minutes at full load, and costs up to three times the CPU per request meanwhile),
# PATIENTS (3000), DOCTORS (100; each has 108 slots of capacity 50, so that few bookings meet a full slot or the
# one-per-doctor-and-day rule).
set -euo pipefail
cd "$(dirname "$0")/../.."
CONCURRENCY=${CONCURRENCY:-64}
DURATION=${DURATION:-20}
PACED_DURATION=${PACED_DURATION:-60}
WARMUP=${WARMUP:-10}
JIT_WARMUP=${JIT_WARMUP:-180}
DOCTORS=${DOCTORS:-100}
PATIENTS=${PATIENTS:-3000}
PORT=${BENCH_PORT:-18080}
PGPORT=${BENCH_PG_PORT:-55432}
WMPORT=${BENCH_WECHAT_PORT:-19999}
PGBENCH=${PGBENCH:-$(ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -1)}
[ -x "$PGBENCH" ] || { echo "pgbench not found: apt-get install postgresql (or set PGBENCH)"; exit 1; }
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk"; exit 1; }
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
  FORWARD_HEADERS_STRATEGY=framework MAX_UPCOMING_APPOINTMENTS=1000000 ACCESS_TOKEN_TTL=2h \
  java -Xmx1g ${APP_JAVA_OPTS:-} -jar api/target/api-0.1.0-SNAPSHOT.jar >"$DATA/app.log" 2>&1 &
APP=$!
trap 'kill $APP $WM 2>/dev/null; wait $APP 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 90); do curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && break; sleep 1; done

# CPU time (clock ticks) of processes, and of the whole machine (busy, all); PostgreSQL's postmaster counts the
# backends that exited (cutime), its live children are added.
ticks() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$(( t + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat") )); done; echo "$t"; }
machine() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }
PG_MAIN=$(head -1 "$($PSQL -c 'show data_directory')/postmaster.pid")
pg_pids() { echo "$PG_MAIN" $(pgrep -P "$PG_MAIN"); }
HZ=$(getconf CLK_TCK)
# cpu_report LABEL REQUESTS: CPU per request of each process over the phase just ended (snapshots *0 and *1).
cpu_report() {
  awk -v label="$1" -v n="$2" -v hz="$HZ" -v app=$((APP1 - APP0)) -v pg=$((PG1 - PG0)) -v gen=$((GEN1 - GEN0)) \
      -v busy=$((BUSY1 - BUSY0)) -v all=$((ALL1 - ALL0)) -v secs="$3" 'BEGIN {
    printf "  CPU per %s: service %.2f ms, PostgreSQL %.2f ms, load generator %.2f ms; in cores: service %.2f, PostgreSQL %.2f, load generator %.2f; machine %d%% busy\n",
      label, 1000 * app / hz / n, 1000 * pg / hz / n, 1000 * gen / hz / n, app / hz / secs, pg / hz / secs, gen / hz / secs, 100 * busy / all }'
}
# The load generator's CPU: the children this shell has waited for ('times' as a builtin, not in a pipe, which would fork).
snapshot() {
  local s=$1
  times >"$DATA/times"
  eval "APP$s=$(ticks $APP) PG$s=$(ticks $(pg_pids)) GEN$s=$(awk -v hz="$HZ" 'NR == 2 { gsub(/s/, ""); split($1, u, "m"); split($2, k, "m"); printf "%d", (u[1] * 60 + u[2] + k[1] * 60 + k[2]) * hz }' "$DATA/times")"
  read -r "BUSY$s" "ALL$s" <<<"$(machine)"
}
# drain: waits (at most 10 minutes) until the dispatcher has caught up with the outbox messages already due. pgbench's
# bookings write the same outbox messages as the service's, so after a pgbench phase the dispatcher has tens of
# thousands of confirmations and webhook events to send, which would otherwise run beside the next paced phase and
# put another load's work into its latencies.
drain() {
  local t0=$SECONDS left
  while :; do
    left=$($PSQL -c "select count(*) from notifications.outbox_queue where due_at <= now() or claim_token is not null")
    [ "$left" -lt "$CONCURRENCY" ] && break
    [ $((SECONDS - t0)) -ge 600 ] && { echo "  (the dispatcher had not caught up after 600 s: $left messages due)"; break; }
    sleep 2
  done
  echo "  (waited $((SECONDS - t0)) s for the dispatcher to send the messages earlier phases left due)"
}
# paced RATE: bookings at RATE/s for PACED_DURATION seconds after WARMUP seconds (Paced.java opens its connections
# and sends WARMUP seconds of the schedule before it counts; the CPU snapshots are taken around the counted part only,
# from its COUNTING line); prints the figures and sets P99 (ms).
paced() {
  echo "booking at a fixed $1/s over at most $CONCURRENCY connections (target p99 <= 50 ms at 0.6 of pgbench's rate):"
  drain
  java bench/booking/Paced.java "http://127.0.0.1:$PORT" "$DATA" "$1" "$WARMUP" "$PACED_DURATION" "$CONCURRENCY" \
    >"$DATA/paced.out" &
  GEN=$!
  until grep -q COUNTING "$DATA/paced.out" || ! kill -0 $GEN 2>/dev/null; do sleep 0.1; done
  snapshot 0
  wait $GEN
  snapshot 1
  local line
  line=$(sed -n 's/^RESULT //p' "$DATA/paced.out")
  echo "booking  POST /api/v1/appointments at $1/s: $line"
  cpu_report request "$(echo "$line" | awk '{print $1}')" "$PACED_DURATION"
  P99=$(echo "$line" | sed 's/.*p99 \([0-9.]*\) ms.*/\1/')
}
# pgbench_at RATE: PostgreSQL's own latency at the same rate. pgbench -R schedules its transactions the same way, and
# with -R the time its log gives for each runs from the scheduled start (schedule lag included). Its first WARMUP
# seconds are left out, as the paced client's are: 64 new backends preparing their statements put up to half a
# second into pgbench's first second, and nothing after.
pgbench_at() {
  local sql=$PWD/bench/booking/book.sql
  drain
  rm -rf "$DATA/pglog"; mkdir "$DATA/pglog"
  (cd "$DATA/pglog" && exec "$PGBENCH" -h 127.0.0.1 -p "$PGPORT" -U postgres -n -M prepared -c "$CONCURRENCY" -j 2 \
    -R "$1" -T $((WARMUP + PACED_DURATION)) -l -D nslots="$NSLOTS" -D npatients="$NPAT" -f "$sql" \
    postgres >"$DATA/pgbench.log" 2>&1) || { echo "pgbench failed:" >&2; tail -20 "$DATA/pgbench.log" >&2; exit 1; }
  counted "$WARMUP" | awk 'NR > 1' | sort -n | awk -v rate="$1" '{ v[NR] = $1 } END {
    printf "  pgbench, same SQL at %d/s: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n", rate,
      v[int(NR * 0.5) + 1] / 1000, v[int(NR * 0.9) + 1] / 1000, v[int(NR * 0.99) + 1] / 1000, v[NR] / 1000 }'
}
# load NAME MODE TARGETS: WARMUP seconds of wrk (not measured), then DURATION seconds measured, with CPU per request.
load() {
  local from to
  from=$(date +%F); to=$(date -d '+13 days' +%F)
  drain
  if [ "$WARMUP" -gt 0 ]; then
    wrk -t2 -c"$CONCURRENCY" -d"${WARMUP}s" --timeout 30s -s bench/booking/wrk.lua "http://127.0.0.1:$PORT" \
      -- "$2" "$DATA/tokens.txt" "$3" "$from" "$to" >/dev/null
  fi
  wrk -t2 -c"$CONCURRENCY" -d"${DURATION}s" --timeout 30s -s bench/booking/wrk.lua "http://127.0.0.1:$PORT" \
    -- "$2" "$DATA/tokens.txt" "$3" "$from" "$to" >"$DATA/wrk.out" &
  GEN=$!
  snapshot 0
  wait $GEN
  snapshot 1
  local line
  line=$(sed -n 's/^RESULT //p' "$DATA/wrk.out")
  echo "$1: $line"
  cpu_report request "$(echo "$line" | awk '{print $1}')" "$DURATION"
}

# jit_warmup: JIT_WARMUP seconds of the booking and search load in turns of 30 s, not measured, so that the phases
# measure the service as it runs for days rather than a JVM still compiling its hot paths.
jit_warmup() {
  local from to left=$JIT_WARMUP mode=book targets turn t0 t1
  from=$(date +%F); to=$(date -d '+13 days' +%F)
  t0=$(ticks $APP)
  while [ "$left" -gt 0 ]; do
    turn=$(( left < 30 ? left : 30 ))
    targets=$DATA/slots.txt; [ "$mode" = search ] && targets=$DATA/doctors.txt
    wrk -t2 -c"$CONCURRENCY" -d"${turn}s" --timeout 30s -s bench/booking/wrk.lua "http://127.0.0.1:$PORT" \
      -- "$mode" "$DATA/tokens.txt" "$targets" "$from" "$to" >/dev/null
    left=$(( left - turn ))
    if [ "$mode" = book ]; then mode=search; else mode=book; fi
  done
  t1=$(ticks $APP)
  [ "$JIT_WARMUP" -gt 0 ] && awk -v s="$JIT_WARMUP" -v t=$((t1 - t0)) -v hz="$HZ" 'BEGIN {
    printf "warm-up: %d s of booking and search in turns, not measured (service %.2f cores meanwhile)\n", s, t / hz / s }'
  return 0
}

{
  echo "# Booking benchmark $(date -u +%FT%TZ) on $(nproc) cores; $CONCURRENCY connections (wrk), $DURATION s per phase after $WARMUP s of warm-up"
  java bench/booking/Bench.java "http://127.0.0.1:$PORT" his-dev bench-secret "$PATIENTS" "$DATA" "$DOCTORS"
  jit_warmup
  load "booking  POST /api/v1/appointments" book "$DATA/slots.txt"
  load "search   GET /api/v1/slots" search "$DATA/doctors.txt"
  echo "invariants after the HTTP run:"
  echo "  slots booked beyond capacity: $($PSQL -c "select count(*) from app.slots where booked > capacity")"
  echo "  slots whose booked count differs from their live appointments: $($PSQL -c "select count(*) from app.slots s where s.booked <> (select count(*) from app.appointments a where a.slot_id = s.id and a.status in ('BOOKED','CHECKED_IN'))")"
  echo "  double bookings (same person, doctor and day): $($PSQL -c "select count(*) from (select 1 from app.appointments where status = 'BOOKED' group by person_key, doctor_id, local_date having count(*) > 1) x")"
  # A reminder whose time has passed when the appointment is booked is left out (BookingMessages), and one that came
  # due since is sent: an appointment booked more than 2 h (the last default reminder) before its start must have a
  # reminder row in some state, and no cancelled one may keep a pending reminder.
  echo "  appointments booked more than 2 h ahead without a reminder: $($PSQL -c "select count(*) from app.appointments a where a.status = 'BOOKED' and a.created_at < a.starts_at - interval '2 hours' and not exists (select 1 from notifications.outbox o where o.subject_id = a.id and o.topic = 'appointment.reminder')")"
  echo "  pending reminders of appointments no longer booked: $($PSQL -c "select count(*) from notifications.outbox o join app.appointments a on a.id = o.subject_id where o.topic = 'appointment.reminder' and o.status = 'pending' and a.status <> 'BOOKED'")"
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
# run_pgbench LABEL ARGS...: pgbench for WARMUP + DURATION seconds with a per-transaction log, of which the
# transactions that ended in the first WARMUP seconds are left out (new backends preparing their statements put up to
# half a second into pgbench's first second); prints transactions/s, p50/p90/p99 latency and CPU per transaction
# over the rest, and sets TPS.
run_pgbench() {
  local label=$1; shift
  drain
  rm -rf "$DATA/pglog"; mkdir "$DATA/pglog"
  (cd "$DATA/pglog" && exec "$PGBENCH" -h 127.0.0.1 -p "$PGPORT" -U postgres -n -M prepared -c "$CONCURRENCY" -j 2 \
    -T $((WARMUP + DURATION)) -l "$@" postgres >"$DATA/pgbench.log" 2>&1) &
  GEN=$!
  sleep "$WARMUP"
  snapshot 0
  wait $GEN || { echo "pgbench failed:" >&2; tail -20 "$DATA/pgbench.log" >&2; exit 1; }
  snapshot 1
  counted "$WARMUP" >"$DATA/counted"
  local n
  read -r n TPS <<<"$(awk 'NR == 1 { print $1, $2 }' "$DATA/counted")"
  awk 'NR > 1' "$DATA/counted" | sort -n | awk -v tps="$TPS" -v label="$label" '{ v[NR] = $1 } END {
    printf "  %s: %.0f tps, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n", label, tps,
      v[int(NR * 0.5) + 1] / 1000, v[int(NR * 0.9) + 1] / 1000, v[int(NR * 0.99) + 1] / 1000, v[NR] / 1000 }'
  cpu_report transaction "$n" "$DURATION"
}
# counted SKIP: from the pgbench log in $DATA/pglog, the transactions that ended at least SKIP seconds after the
# first one did: a line with their number and rate, then each one's latency in microseconds (a log line is client,
# transaction, latency, script, then the end as epoch seconds and microseconds).
counted() {
  cat "$DATA"/pglog/pgbench_log.* | awk -v skip="$1" '
    { end[NR] = $5 + $6 / 1e6; lat[NR] = $3; if (NR == 1 || end[NR] < first) first = end[NR] }
    END {
      from = first + skip
      for (i = 1; i <= NR; i++) if (end[i] >= from) { n++; if (end[i] > last) last = end[i] }
      printf "%d %.1f\n", n, n / (last - from)
      for (i = 1; i <= NR; i++) if (end[i] >= from) print lat[i]
    }'
}
{
  echo "pgbench, same SQL on the same database ($CONCURRENCY clients; its 'load generator' is pgbench):"
  run_pgbench "booking transaction" -D nslots="$NSLOTS" -D npatients="$NPAT" -f "$PWD/bench/booking/book.sql"
  BOOK=$TPS
  run_pgbench "slot search query  " -D ndoctors="$NDOC" -f "$PWD/bench/booking/search.sql"
  SEARCH=$TPS
  APP_BOOK=$(grep -o 'booking .* = [0-9]* req/s' "$OUT" | sed 's/.* = \([0-9]*\) req\/s/\1/')
  APP_SEARCH=$(grep -o 'search .* = [0-9]* req/s' "$OUT" | sed 's/.* = \([0-9]*\) req\/s/\1/')
  awk -v ab="$APP_BOOK" -v pb="$BOOK" -v as="$APP_SEARCH" -v ps="$SEARCH" 'BEGIN {
    printf "ratio service / PostgreSQL: booking %.2f (target >= 0.6), search %.2f (target >= 0.5)\n", ab / pb, as / ps }'
  # Latency below saturation: bookings at a fixed rate over at most CONCURRENCY connections, latencies from each
  # request's due time (Paced.java): first at 0.6 of pgbench's rate (the issue's target), next to pgbench -R at the
  # same rate; then, while p99 is over 50 ms, at 0.5, 0.4 and 0.3 of it, for the highest of these rates that holds.
  RATE=$(awk -v t="$BOOK" 'BEGIN { printf "%.0f", 0.6 * t }')
  paced "$RATE"
  pgbench_at "$RATE"
  MET=""
  awk -v p="$P99" 'BEGIN { exit !(p <= 50) }' && MET="0.6 ($RATE/s)"
  for FRACTION in 0.5 0.4 0.3; do
    [ -n "$MET" ] && break
    RATE=$(awk -v t="$BOOK" -v f="$FRACTION" 'BEGIN { printf "%.0f", f * t }')
    paced "$RATE"
    awk -v p="$P99" 'BEGIN { exit !(p <= 50) }' && MET="$FRACTION ($RATE/s)"
  done
  echo "highest of 0.6/0.5/0.4/0.3 of pgbench's rate with booking p99 <= 50 ms: ${MET:-none} (target: 0.6)"
} | tee -a "$OUT"
echo "recorded in $OUT"

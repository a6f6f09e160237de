#!/usr/bin/env bash
# Load simulation, one command: bench/load/run.sh
# Builds the service and starts it on its embedded PostgreSQL with stand-ins for WeChat and FCM, seeds a hospital over
# HTTP (bench/load/Seed.java: departments, doctors, slots, published articles, a survey; PATIENTS patients signed in
# through the WeChat flow, each with a completed visit that brought a survey invitation, and reports), then drives
# the patient app's mix with Gatling (bench/load/src/test/java/patientcrm/load/MixSimulation.java, a Maven project of
# its own) at RATE requests/s, open model: slot browsing 55%, feed 20%, reports 10%, booking and cancelling 10%,
# surveys 5%. WARMUP seconds of the same load come first, in the same Gatling run, and are not counted. Prints requests/s,
# p50/p95/p99/max per group and overall, errors (no answer, or anything but 2xx and the expected 409s), the CPU taken
# by the service, PostgreSQL and Gatling, the service's peak resident memory, and checks the bookings in the database.
# Knobs: RATE (1000), DURATION (300), WARMUP (180: a fresh JVM compiles for about three minutes at this rate on two
# cores, and sheds load meanwhile), PATIENTS (3000), APP_JAVA_OPTS (-Xmx192m). Needs psql.
# Records bench/results/load-<UTC time>.txt; Gatling's HTML report and the service's log stay in bench/load/target/.
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${RATE:-1000}
DURATION=${DURATION:-300}
WARMUP=${WARMUP:-180}
PATIENTS=${PATIENTS:-3000}
# Heap: the live set is ~45 MB after a full GC, and metaspace, code cache, G1's own structures and the rest take
# ~250 MB besides the heap: 192 MB of heap keeps the resident set under the 512 MB target even when overloaded.
APP_JAVA_OPTS=${APP_JAVA_OPTS:--Xmx192m}
PORT=${BENCH_PORT:-18090}
PGPORT=${BENCH_PG_PORT:-55440}
FAKE=${BENCH_FAKE_PORT:-19990}
command -v psql >/dev/null || { echo "psql not found: apt-get install postgresql-client"; exit 1; }
for port in $PORT $PGPORT $FAKE; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "port $port is in use (an earlier run left something?)"; exit 1; fi
done
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=bench/results/load-$STAMP.txt
WORK=$PWD/bench/load/target/run-$STAMP
DATA=$(mktemp -d)
mkdir -p "$WORK"
PSQL="psql -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -qtA"
MVN_LOAD="./mvnw -q -B -ntp -f bench/load/pom.xml"
APP=""
FAKE_PID=""
SAMPLER=""
cleanup() {
  set +e
  [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null
  [ -n "$APP" ] && { kill "$APP" 2>/dev/null; wait "$APP" 2>/dev/null; }
  [ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null
  rm -rf "$DATA"
  return 0
}
trap cleanup EXIT

./mvnw -q -B -pl api -am package -DskipTests
$MVN_LOAD test-compile
java bench/notifications/FakeProviders.java "$FAKE" 20 >"$WORK/fake.log" 2>&1 &
FAKE_PID=$!
# The access tokens the seeding gets must outlive the run (15 min by default; their check costs the same either way).
# MAX_UPCOMING_APPOINTMENTS: a few thousand patients stand for a hospital's many; each books many times in 5 minutes.
PORT=$PORT DATA_DIR=$DATA EMBEDDED_DB_PORT=$PGPORT ADMIN_PASSWORD=load-admin INTEGRATION_CLIENT_SECRET=load-secret \
  FORWARD_HEADERS_STRATEGY=framework ACCESS_TOKEN_TTL=$(( (WARMUP + DURATION) / 60 + 30 ))m \
  MAX_UPCOMING_APPOINTMENTS=1000000 WECHAT_APPID=wx-load WECHAT_SECRET=load \
  WECHAT_API_BASE_URL=http://127.0.0.1:$FAKE FCM_PROJECT_ID=load \
  java $APP_JAVA_OPTS -Dcrm.notifications.fcm.api-base-url=http://127.0.0.1:$FAKE \
  -jar api/target/api-0.1.0-SNAPSHOT.jar >"$WORK/app.log" 2>&1 &
APP=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null || { tail -40 "$WORK/app.log"; exit 1; }
PGPID=$(head -1 "$DATA/postgres/postmaster.pid")

{
  echo "# Load simulation $(date -u +%FT%TZ) on $(nproc) cores (service, PostgreSQL and Gatling share them; other work may run on the machine too): $RATE requests/s offered for $DURATION s after $WARMUP s of warm-up; $PATIENTS patients; service $APP_JAVA_OPTS, HTTP_MAX_IN_FLIGHT=${HTTP_MAX_IN_FLIGHT:-80 (default)}; load average before seeding $(cut -d' ' -f1-3 /proc/loadavg)"
  java bench/load/Seed.java "http://127.0.0.1:$PORT" his-dev load-secret load-admin "$PATIENTS" "$WORK/feeders"
} | tee "$OUT"

# What the seeding set going (report-ready notices, survey invitations, booking confirmations) is done before the
# load starts. appointment.visit has no consumer yet (README: "for the follow-ups to come").
for _ in $(seq 1 300); do
  LEFT=$($PSQL -c "select count(*) from notifications.outbox_queue where (due_at <= now() or claim_token is not null) and topic <> 'appointment.visit'")
  [ "$LEFT" = "0" ] && break
  sleep 1
done
$PSQL -c "select 'seeded data: ' || (select count(*) from app.reports) || ' reports, ' || (select count(*) from app.survey_invitations) || ' survey invitations, ' || (select count(*) from notifications.outbox where status = 'done') || ' outbox messages handled (' || $LEFT || ' left)'" | tee -a "$OUT"

gatling() { # label duration summary-file
  $MVN_LOAD gatling:test -Dload.base="http://127.0.0.1:$PORT" -Dload.rate="$RATE" -Dload.duration="$2" \
    -Dload.feeders="$WORK/feeders" -Dload.label="$1" -Dload.summary="$3" "${@:4}" >"$WORK/gatling-$1.log" 2>&1 \
    || echo "Gatling exited with $? (see $WORK/gatling-$1.log)"
}
# Once a second: the service's and PostgreSQL's CPU ticks, the whole machine's, the service's resident set (now and
# peak), the load average.
sample() {
  while :; do
    local pg=0 p
    for p in $PGPID $(cat /proc/$PGPID/task/*/children 2>/dev/null); do
      pg=$(( pg + $(awk '{print $14 + $15 + $16 + $17}' /proc/$p/stat 2>/dev/null || echo 0) ))
    done
    echo "$(date +%s%3N) $(awk '{print $14 + $15}' /proc/$APP/stat) $pg" \
      "$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat)" \
      "$(awk '/^VmRSS/ {r = $2} /^VmHWM/ {h = $2} END {print r, h}' /proc/$APP/status) $(cut -d' ' -f1 /proc/loadavg)"
    sleep 1
  done
}
sample >"$WORK/samples.txt" &
SAMPLER=$!
# One Gatling run: WARMUP seconds at the full rate, then DURATION seconds measured. In one JVM, so that neither
# Maven's nor Gatling's start-up and JIT warm-up (a core for some seconds on this machine) lands in the measured time.
gatling measured "$DURATION" "$WORK/summary.txt" -Dload.warmup="$WARMUP" \
  -Dgatling.runDescription="$RATE requests/s for $DURATION s after $WARMUP s of warm-up"
{ grep '^warm-up' "$WORK/summary.txt" || true; } | tee -a "$OUT"
kill "$SAMPLER"; SAMPLER=""
REPORT=$(ls -d bench/load/target/gatling/*/ 2>/dev/null | tail -1)
gatling_figures() { # Gatling's end-of-run console block, shortened
  awk '/^---- Global Information/ { printf "  %-36s total | OK | KO\n", ""; next }
    /^---- Response Time Distribution/ { print "  response times:"; next }
    /^---- Errors/ { print "  KO by message:"; next }
    /^> / && /\|/ { if ($0 ~ /std deviation|min response/) next; split(substr($0, 3), f, "|"); sub(/ +$/, "", f[1])
      for (i = 2; i <= 4; i++) gsub(/ /, "", f[i]); printf "  %-36s %s | %s | %s\n", f[1], f[2], f[3], f[4]; next }
    /^> / { line = substr($0, 3); gsub(/  +/, " ", line); print "    " line }'
}

{
  grep -v '^window-epoch-ms\|^warm-up' "$WORK/summary.txt" || echo "no summary: see $WORK/gatling-measured.log"
  read -r FROM TO < <(sed -n 's/^window-epoch-ms //p' "$WORK/summary.txt")
  awk -v from="$FROM" -v to="$TO" -v hz="$(getconf CLK_TCK)" -v cores="$(nproc)" '
    $1 >= from - 1000 && $1 <= to + 1000 { if (!n++) { t0 = $1; a0 = $2; p0 = $3; b0 = $4; c0 = $5; lmin = $8 }
      t1 = $1; a1 = $2; p1 = $3; b1 = $4; c1 = $5; if ($6 > rss) rss = $6; if ($8 < lmin) lmin = $8; if ($8 > lmax) lmax = $8 }
    { hwm = $7 }
    END { s = (t1 - t0) / 1000
      printf "CPU during the measured run (%.0f s): service %.2f cores, PostgreSQL %.2f cores, whole machine %.2f of %d cores busy (Gatling: see above; the rest is other work); load average %.1f-%.1f\n", s, (a1 - a0) / hz / s, (p1 - p0) / hz / s, cores * (b1 - b0) / (c1 - c0), cores, lmin, lmax
      printf "service memory: peak resident set (VmHWM, since start) %d MB, highest sampled during the run %d MB (target <= 512 MB)\n", hwm / 1024, rss / 1024 }' "$WORK/samples.txt"
  echo "service log: $(grep -c ' ERROR ' "$WORK/app.log") ERROR lines ($(grep -c 'Unhandled error' "$WORK/app.log") unhandled errors), $(grep -c ' WARN ' "$WORK/app.log") WARN lines ($(grep -c 'Database unavailable on' "$WORK/app.log") database unavailable)"
  grep -E ' (ERROR|WARN) ' "$WORK/app.log" | sed -E 's/^[^ ]+ +//; s/ [0-9]+ --- / --- /' | cut -c1-160 | sort | uniq -c | sort -rn | awk 'NR <= 8 { print "  " $0 }'
  echo "the database after the run:"
  echo "  slots booked beyond capacity: $($PSQL -c "select count(*) from app.slots where booked > capacity")"
  # A completed or missed visit keeps its place; a cancelled one gave it back.
  echo "  slots whose booked count differs from the appointments holding a place: $($PSQL -c "select count(*) from app.slots s where s.booked <> (select count(*) from app.appointments a where a.slot_id = s.id and a.status in ('BOOKED', 'CHECKED_IN', 'COMPLETED', 'NO_SHOW'))")"
  echo "  people with two live appointments with one doctor on one day: $($PSQL -c "select count(*) from (select 1 from app.appointments where status in ('BOOKED', 'CHECKED_IN') group by person_key, doctor_id, local_date having count(*) > 1) x")"
  $PSQL -c "select '  appointments: ' || string_agg(status || ' ' || n, ', ' order by status) from (select status, count(*) n from app.appointments group by 1) x"
  $PSQL -c "select '  survey invitations submitted: ' || count(*) filter (where submitted_at is not null) || ' of ' || count(*) from app.survey_invitations"
  $PSQL -c "select '  audit rows written during the run: ' || count(*) from app.audit_events where occurred_at >= to_timestamp($FROM / 1000.0) and occurred_at <= to_timestamp($TO / 1000.0)"
  $PSQL -c "select '  outbox: ' || string_agg(status || ' ' || n, ', ' order by status) from (select status, count(*) n from notifications.outbox group by 1) x"
  echo "Gatling's own figures (every request of the run, warm-up included; a KO's time is until it failed; report: ${REPORT:-none}):"
  sed -n '/---- Global Information/,/^=====/p' "$WORK/gatling-measured.log" | gatling_figures
} | tee -a "$OUT"
echo "recorded in $OUT"

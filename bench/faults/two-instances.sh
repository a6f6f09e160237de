#!/usr/bin/env bash
# Two application instances on one database under a mixed load, one command: bench/faults/two-instances.sh
# Runs a private PostgreSQL (bench/faults/private-pg.sh), two service instances on it (ports 18092 and 18093, one
# data directory, so the same signing and encryption keys), and the WeChat/FCM stand-ins for both. Seeds MESSAGES due
# reminders (bench/notifications/seed.sql) so that both dispatchers are busy, and drives an open-loop load of RATE
# operations/s split at random across the instances (bench/faults/Load.java): slot search, booking, feedback, the
# hospital's slot push, and races between the instances: the same booking (same Idempotency-Key and body) sent to both
# at once, four patients booking one place-of-two slot alternately on each, one patient booking two slots of one
# doctor on one day on both at once, one appointment cancelled on both at once, and moves (half to contended slots).
# Each booking, cancellation and move writes a confirmation that the dispatchers send. After the load it waits until
# every due message is sent, then prints each instance's answers and latency, how each race was settled, what each
# dispatcher sent, and checks the database (bench/faults/two-instances.sql): nothing booked beyond capacity, booked
# counts equal to live appointments, no person with two live appointments with one doctor on one day, each
# Idempotency-Key one appointment, exactly what was answered stored, each change's confirmation and hospital event
# once; and every message sent exactly once by the delivery records, the inbox and the stand-ins' own count.
# Knobs: RATE (60), WARMUP (20), DURATION (60), PATIENTS (300), CREDITS (20 WeChat credits for every other patient),
# MESSAGES (3000), DELAY_MS (20), TIMEOUT (300 s for the drain). Needs psql, initdb and pg_ctl.
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${RATE:-60}
WARMUP=${WARMUP:-20}
DURATION=${DURATION:-60}
PATIENTS=${PATIENTS:-300}
CREDITS=${CREDITS:-20}
MESSAGES=${MESSAGES:-3000}
DELAY_MS=${DELAY_MS:-20}
TIMEOUT=${TIMEOUT:-300}
PORTS="${BENCH_PORT_A:-18092} ${BENCH_PORT_B:-18093}"
PGPORT=${BENCH_PG_PORT:-55441}
FAKE=${BENCH_FAKE_PORT:-19991}
command -v psql >/dev/null || { echo "psql not found: apt-get install postgresql-client"; exit 1; }
for port in $PORTS $PGPORT $FAKE; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "port $port is in use (an earlier run left something?)"; exit 1; fi
done
DATA=$(mktemp -d)
OUT=bench/results/two-instances-$(date -u +%Y%m%dT%H%M%SZ).txt
PSQL="psql -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -qtA"
APPS=()
FAKE_PID=""
cleanup() {
  set +e
  for pid in "${APPS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${APPS[@]}"; do wait "$pid" 2>/dev/null; done
  [ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null
  [ -n "${PGCTL:-}" ] && $PGCTL -m fast -w stop >/dev/null 2>&1
  rm -rf "$DATA" "${PGDIR:-}"
  return 0
}
trap cleanup EXIT
source bench/faults/private-pg.sh

./mvnw -q -B -pl api -am package -DskipTests
# The patients hold many WeChat credits each: the service counts them; the stand-in need not model one per subscription.
ONE_PER_SUBSCRIPTION=false java bench/notifications/FakeProviders.java "$FAKE" "$DELAY_MS" >"$DATA/fake.log" 2>&1 &
FAKE_PID=$!
# One after the other: the first migrates the database and writes the keys both use. Provider rate limits are lifted
# so that the dispatchers, not the quotas, set the pace (as in bench/faults/kill-dispatch.sh).
n=0
for port in $PORTS; do
  n=$((n + 1))
  PORT=$port DATA_DIR=$DATA DB_HOST=127.0.0.1 DB_PORT=$PGPORT DB_NAME=postgres DB_USER=postgres \
    ADMIN_PASSWORD=faults-admin INTEGRATION_CLIENT_SECRET=faults-secret FORWARD_HEADERS_STRATEGY=framework \
    MAX_UPCOMING_APPOINTMENTS=1000000 WECHAT_APPID=wx-bench WECHAT_SECRET=bench WECHAT_API_BASE_URL=http://127.0.0.1:$FAKE \
    WECHAT_TEMPLATE_APPOINTMENT_REMINDER=tmpl-reminder WECHAT_TEMPLATE_APPOINTMENT_CHANGE=tmpl-change FCM_PROJECT_ID=bench \
    java -Xmx512m ${APP_JAVA_OPTS:-} -Dcrm.notifications.fcm.api-base-url=http://127.0.0.1:$FAKE \
    -Dcrm.notifications.wechat.rate-per-second=100000 -Dcrm.notifications.fcm.rate-per-second=100000 \
    -jar api/target/api-0.1.0-SNAPSHOT.jar >"$DATA/instance$n.log" 2>&1 &
  APPS+=($!)
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null && break; sleep 1; done
  curl -sf "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null || { tail -40 "$DATA/instance$n.log"; exit 1; }
done
BASES=$(for port in $PORTS; do printf 'http://127.0.0.1:%s,' "$port"; done)
BASES=${BASES%,}
MESSAGES_DUE="from notifications.outbox_queue where claim_token is not null or due_at <= now() + interval '2 minutes'"
# What one instance's dispatcher did: the sum of crm_outbox_messages_total per outcome.
dispatched() {
  curl -s "http://127.0.0.1:$1/actuator/prometheus" | awk -F'[{}]' '/^crm_outbox_messages_total\{/ {
    match($2, /outcome="[a-z]+"/); o = substr($2, RSTART + 9, RLENGTH - 10); split($3, v, " "); sum[o] += v[1] }
    END { for (o in sum) printf "%s %d, ", o, sum[o] }' | sed 's/, $//'
}

{
  echo "# Two instances on one database under a mixed load $(date -u +%FT%TZ) on $(nproc) cores (both instances, PostgreSQL, the stand-ins and the load generator share them; other work may run on the machine too; load average $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "load: $RATE operations/s for $DURATION s after $WARMUP s of warm-up, open loop, each to one of the two instances at random: search 25%, booking 15%, same booking on both 10%, contended slot (4 bookings) 10%, same doctor same day (2) 5%, cancel on both 10%, move 5%, feedback 10%, hospital slot push 10%; $PATIENTS patients (every other one with $CREDITS WeChat credits, all with an app device, quiet hours off); $MESSAGES due reminders seeded for the dispatchers (providers answer in $DELAY_MS ms); PostgreSQL $PG_VERSION"
  java bench/faults/Load.java base="$BASES" client=his-dev secret=faults-secret out="$DATA/load" \
    patients="$PATIENTS" credits="$CREDITS" quiet=off rate="$RATE" report=instances \
    mix="search:25,book:15,dupbook:10,race:10,sameday:5,cancel:10,move:5,feedback:10,push:10" \
    phases="warmup:$WARMUP,load:$DURATION" \
    at.warmup="$PSQL -v n=$MESSAGES -f bench/notifications/seed.sql" \
    probe="$PSQL -c \"select count(*) $MESSAGES_DUE\"" drain="$TIMEOUT"
  echo "dispatchers (outcomes by crm_outbox_messages_total):"
  n=0
  for port in $PORTS; do
    n=$((n + 1))
    echo "  instance $n: $(dispatched "$port"); $(grep -c 'Database unavailable on' "$DATA/instance$n.log") requests answered 503 for the database, $(grep -c 'Unhandled error' "$DATA/instance$n.log") unhandled errors, $(grep -c ' ERROR ' "$DATA/instance$n.log") ERROR lines"
  done
  echo "the database against what the instances answered:"
  sed "s|@DIR@|$DATA/load|g" bench/faults/two-instances.sql | $PSQL
  echo "notifications, once every due message was handled ($($PSQL -c "select count(*) $MESSAGES_DUE") left):"
  $PSQL -c "select '  ' || topic || ': ' || string_agg(status || ' ' || n, ', ' order by status) from (select topic, status, count(*) n from notifications.outbox where topic in ('appointment.change', 'appointment.reminder') and due_at <= now() group by 1, 2) x group by topic order by topic"
  $PSQL -c "select '  sent more than once by the delivery records (message, channel, target): ' || count(*) from (select outbox_id, channel, target from notifications.deliveries where status = 'sent' group by 1, 2, 3 having count(*) > 1) x"
  $PSQL -c "select '  done messages by pushes sent (WeChat or FCM): ' || string_agg(pushes || ': ' || n, ', ' order by pushes) from (select pushes, count(*) n from (select o.id, (select count(*) from notifications.deliveries d where d.outbox_id = o.id and d.status = 'sent' and d.channel in ('wechat', 'app_push')) pushes from notifications.outbox o where o.topic in ('appointment.change', 'appointment.reminder') and o.status = 'done') m group by 1) x"
  $PSQL -c "select '  inbox items: ' || count(*) || ' (' || count(distinct outbox_id) || ' distinct messages)' from notifications.inbox"
  STATS=$(curl -s "http://127.0.0.1:$FAKE/stats")
  stat() { echo "$STATS" | sed -E "s/.*\"$1\":([0-9]+).*/\1/"; }
  # The records allow one 'sent' per message, channel and target: a send the providers received beyond them was a repeat.
  echo "  sends the providers received: $(stat wechat) WeChat, $(stat fcm) FCM; recorded as sent: $($PSQL -c "select count(*) filter (where channel = 'wechat') || ' WeChat, ' || count(*) filter (where channel = 'app_push') || ' FCM' from notifications.deliveries where status = 'sent'")"
  # WeChat carries no message id: the stand-in knows a message by recipient, page, template and fields, and a booking's
  # later confirmations (moved, cancelled) can read exactly like an earlier one (department, doctor, time, fixed text).
  echo "  FCM messages received twice (by message id): $(stat fcmDuplicates); WeChat sends whose content repeated an earlier send to the same person about the same appointment: $(stat wechatDuplicates) (a cancellation's confirmation reads like the one before it; the sends received equal the sends recorded, one per message)"
  echo "  stand-ins: $STATS"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT"
echo "recorded in $OUT"

#!/usr/bin/env bash
# SIGTERM under load, one command: bench/faults/sigterm.sh
# Runs the service on a private PostgreSQL (bench/faults/private-pg.sh), seeds MESSAGES due reminders for the
# dispatcher (bench/notifications/seed.sql, sent through the WeChat/FCM stand-ins, each answering after DELAY_MS)
# and drives a steady mixed load (bench/faults/Load.java: slot search, booking, feedback, large slot pushes) at RATE
# requests/s. While both are busy it sends the service SIGTERM and keeps the load going for AFTER seconds. Prints what
# happened to the requests in flight at SIGTERM (they should complete) and to those sent after it (refused, or
# answered 503), when the process exited (against the shutdown grace, SHUTDOWN_TIMEOUT, 20 s by default), the shutdown
# log, and the outbox claims left behind. Then it starts a second instance on the same database, sends every write
# whose answer was lost again with its Idempotency-Key, lets the reminders drain, and checks that the database holds
# exactly what the service answered and that every reminder was sent exactly once.
# Knobs: RATE (50), WARMUP (10), BEFORE (15), AFTER (10), PATIENTS (200), MESSAGES (20000), DELAY_MS (50),
# TIMEOUT (600 s for the drain). Needs psql, initdb and pg_ctl (apt-get install postgresql).
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${RATE:-50}
WARMUP=${WARMUP:-10}
BEFORE=${BEFORE:-15}
AFTER=${AFTER:-10}
PATIENTS=${PATIENTS:-200}
MESSAGES=${MESSAGES:-20000}
DELAY_MS=${DELAY_MS:-50}
TIMEOUT=${TIMEOUT:-600}
PORT=${BENCH_PORT:-18085}
PGPORT=${BENCH_PG_PORT:-55437}
FAKE=${BENCH_FAKE_PORT:-19994}
command -v psql >/dev/null || { echo "psql not found: apt-get install postgresql-client"; exit 1; }
for port in $PORT $PGPORT $FAKE; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "port $port is in use (an earlier run left something?)"; exit 1; fi
done
DATA=$(mktemp -d)
OUT=bench/results/sigterm-$(date -u +%Y%m%dT%H%M%SZ).txt
PSQL="psql -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -qtA"
FAKE_PID=""
cleanup() {
  set +e
  for f in "$DATA"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
  for f in "$DATA"/*.pid; do [ -f "$f" ] && while kill -0 "$(cat "$f")" 2>/dev/null; do sleep 0.2; done; done
  [ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null
  [ -n "${PGCTL:-}" ] && $PGCTL -m fast -w stop >/dev/null 2>&1
  rm -rf "$DATA" "${PGDIR:-}"
  return 0
}
trap cleanup EXIT
source bench/faults/private-pg.sh

./mvnw -q -B -pl api -am package -DskipTests
java bench/notifications/FakeProviders.java "$FAKE" "$DELAY_MS" >"$DATA/fake.log" 2>&1 &
FAKE_PID=$!
# Starts an instance in the background (its pid in DATA/NAME.pid) and waits until it is ready. Provider rate limits
# are lifted so that the dispatcher is busy when SIGTERM comes (as in bench/faults/kill-dispatch.sh).
cat >"$DATA/start.sh" <<START
PORT=$PORT DATA_DIR=$DATA DB_HOST=127.0.0.1 DB_PORT=$PGPORT DB_NAME=postgres DB_USER=postgres \
  ADMIN_PASSWORD=faults-admin INTEGRATION_CLIENT_SECRET=faults-secret FORWARD_HEADERS_STRATEGY=framework \
  MAX_UPCOMING_APPOINTMENTS=1000000 WECHAT_APPID=wx-bench WECHAT_SECRET=bench \
  WECHAT_API_BASE_URL=http://127.0.0.1:$FAKE WECHAT_TEMPLATE_APPOINTMENT_REMINDER=tmpl-reminder FCM_PROJECT_ID=bench \
  java -Xmx512m ${APP_JAVA_OPTS:-} -Dcrm.notifications.fcm.api-base-url=http://127.0.0.1:$FAKE \
  -Dcrm.notifications.wechat.rate-per-second=100000 -Dcrm.notifications.fcm.rate-per-second=100000 \
  -jar api/target/api-0.1.0-SNAPSHOT.jar >"$DATA/\$1.log" 2>&1 &
echo \$! >"$DATA/\$1.pid"
for _ in \$(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && exit 0; sleep 1; done
tail -40 "$DATA/\$1.log"; exit 1
START
bash "$DATA/start.sh" first

# A reminder being sent has a claim on its queue row; "claimed" is not an outbox status.
REMINDERS="from notifications.outbox o left join notifications.outbox_queue q on q.id = o.id where o.topic = 'appointment.reminder' and o.dedupe_key like 'bench:%'"
{
  echo "# SIGTERM under load $(date -u +%FT%TZ) on $(nproc) cores (service, PostgreSQL, stand-ins and load generator share them; other work may run on the machine too; load average $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "load: $RATE requests/s, open loop: slot search 40%, booking 30%, feedback 20%, hospital pushes of 108 slots 10%; $PATIENTS patients; $MESSAGES due reminders for the dispatcher (providers answer in $DELAY_MS ms); PostgreSQL $PG_VERSION"
  java bench/faults/Load.java base="http://127.0.0.1:$PORT" client=his-dev secret=faults-secret out="$DATA/load" \
    patients="$PATIENTS" rate="$RATE" mix="search:40,book:30,feedback:20,bigpush:10" report=sigterm \
    phases="warmup:$WARMUP,before:$BEFORE,term:$AFTER" term="$(cat "$DATA/first.pid")" \
    at.warmup="$PSQL -v n=$MESSAGES -f bench/notifications/seed.sql" \
    at.retry="$PSQL -c \"select count(*) filter (where q.claim_token is not null) || ' claimed, ' || count(*) filter (where status = 'done') || ' done, ' || count(*) filter (where status = 'pending' and q.claim_token is null) || ' pending' $REMINDERS\" >$DATA/claimed.txt; bash $DATA/start.sh second" \
    probe="$PSQL -c \"select count(*) $REMINDERS and status = 'pending'\"" drain="$TIMEOUT"
  echo "shutdown, as the first instance logged it:"
  grep -E 'graceful shutdown|Graceful shutdown|Gave back|outbox claims|Outbox dispatcher stop|Could not record|Unhandled error' "$DATA/first.log" \
    | sed -E 's/^[0-9-]+T([0-9:.]+)Z +([A-Z]+) [0-9]+ --- \[[^]]*\] \[ *([^]]*)\] ([^ ]+) *: /  \1 \2 \4: /' | cut -c1-200 | tail -12
  echo "reminders in the database once the first instance had exited: $(cat "$DATA/claimed.txt")"
  echo "the database against what the service answered (after the lost writes were sent again to the second instance):"
  sed "s|@DIR@|$DATA/load|g" bench/faults/reconcile.sql | $PSQL
  echo "reminders, after the second instance drained them:"
  $PSQL -c "select '  ' || count(*) filter (where status = 'done') || ' done, ' || count(*) filter (where status = 'skipped') || ' skipped, ' || count(*) filter (where status = 'dead') || ' dead, ' || count(*) filter (where status = 'pending') || ' left of ' || count(*) $REMINDERS"
  $PSQL -c "select '  sent more than once by the delivery records: ' || count(*) from (select outbox_id, channel, target from notifications.deliveries where status = 'sent' group by 1, 2, 3 having count(*) > 1) x"
  $PSQL -c "select '  inbox items: ' || count(*) || ' (' || count(distinct outbox_id) || ' distinct messages)' from notifications.inbox i join notifications.outbox o on o.id = i.outbox_id where o.dedupe_key like 'bench:%'"
  echo "  providers (stand-ins' own count): $(curl -s "http://127.0.0.1:$FAKE/stats")"
} | tee "$OUT"
echo "recorded in $OUT"

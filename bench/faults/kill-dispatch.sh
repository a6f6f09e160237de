#!/usr/bin/env bash
# kill -9 in the middle of notification dispatch, one command: bench/faults/kill-dispatch.sh
# Starts the WeChat/FCM stand-ins (bench/notifications/FakeProviders.java) and the service on its embedded
# PostgreSQL, seeds MESSAGES due reminders (bench/notifications/seed.sql), waits until KILL_AT of them are sent, then
# kill -9s the service while it holds claims. PostgreSQL survives (it is its own process), so a second instance
# starts on the same database as an external one; it picks the dead instance's claims up once their lease runs out
# (LEASE) and drains the rest. Prints what was claimed at the kill, how long recovery took, and whether every
# message was sent exactly once: by the outbox, the inbox, the delivery records, and the stand-ins' own count of
# requests per message (a send that reached a provider just before the kill, but whose record did not commit, is
# the one thing that can repeat: at-least-once at the provider; FCM's repeat carries the same collapse tag).
# Knobs: MESSAGES (20000), KILL_AT (6000), DELAY_MS (20), LEASE (20s), TIMEOUT (600 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
MESSAGES=${MESSAGES:-20000}
KILL_AT=${KILL_AT:-6000}
DELAY_MS=${DELAY_MS:-20}
LEASE=${LEASE:-20s}
TIMEOUT=${TIMEOUT:-600}
PORT=${BENCH_PORT:-18082}
PGPORT=${BENCH_PG_PORT:-55434}
FAKE=${BENCH_FAKE_PORT:-19997}
DATA=$(mktemp -d)
OUT=bench/results/kill-dispatch-$(date -u +%Y%m%dT%H%M%SZ).txt
PSQL="psql -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -qtA"
command -v psql >/dev/null || { echo "psql not found: apt-get install postgresql-client"; exit 1; }

for port in $PORT $PGPORT $FAKE; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "port $port is in use (an earlier run left something?)"; exit 1; fi
done
./mvnw -q -B -pl api -am package -DskipTests
java bench/notifications/FakeProviders.java "$FAKE" "$DELAY_MS" >"$DATA/fake.log" 2>&1 &
FAKE_PID=$!
APP=""
cleanup() {
  set +e
  [ -n "$APP" ] && { kill "$APP" 2>/dev/null; wait "$APP" 2>/dev/null; }
  kill "$FAKE_PID" 2>/dev/null
  # The embedded PostgreSQL outlived the first instance; stop it (smart shutdown) before removing its files.
  if [ -f "$DATA/postgres/postmaster.pid" ]; then kill "$(head -1 "$DATA/postgres/postmaster.pid")" 2>/dev/null; sleep 2; fi
  rm -rf "$DATA"
  return 0
}
trap cleanup EXIT

start() { # $1: log name; extra environment before the call selects the database
  PORT=$PORT DATA_DIR=$DATA \
    WECHAT_APPID=wx-bench WECHAT_SECRET=bench WECHAT_API_BASE_URL=http://127.0.0.1:$FAKE \
    WECHAT_TEMPLATE_APPOINTMENT_REMINDER=tmpl-reminder FCM_PROJECT_ID=bench \
    java -Xmx512m -Dcrm.notifications.fcm.api-base-url=http://127.0.0.1:$FAKE \
    -Dcrm.notifications.wechat.rate-per-second=100000 -Dcrm.notifications.fcm.rate-per-second=100000 \
    -Dcrm.dispatcher.lease="$LEASE" -jar api/target/api-0.1.0-SNAPSHOT.jar >"$DATA/$1.log" 2>&1 &
  APP=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && return; sleep 1; done
  tail -40 "$DATA/$1.log"; exit 1
}
count() { $PSQL -c "select count(*) from notifications.outbox where topic = 'appointment.reminder' and status = '$1'"; }

EMBEDDED_DB_PORT=$PGPORT start first
$PSQL -v n="$MESSAGES" -f bench/notifications/seed.sql >/dev/null
echo "seeded $MESSAGES reminders; killing the service with kill -9 once $KILL_AT are sent..."
while [ "$(count done)" -lt "$KILL_AT" ]; do sleep 0.2; done
kill -9 "$APP"; wait "$APP" 2>/dev/null || true; APP=""
KILLED=$(date +%s.%N)
CLAIMED=$($PSQL -c "select count(*) || ' claimed (lease until ' || to_char(max(due_at), 'HH24:MI:SS') || '), ' || (select count(*) from notifications.outbox where topic = 'appointment.reminder' and status = 'done') || ' done' from notifications.outbox_queue where topic = 'appointment.reminder' and claim_token is not null")
echo "killed: $CLAIMED"

DB_HOST=127.0.0.1 DB_PORT=$PGPORT DB_NAME=postgres DB_USER=postgres start second
START=$(date +%s)
while :; do
  LEFT=$($PSQL -c "select count(*) from notifications.outbox where topic = 'appointment.reminder' and status = 'pending'")
  [ "$LEFT" = "0" ] && break
  [ $(( $(date +%s) - START )) -gt "$TIMEOUT" ] && { echo "gave up after $TIMEOUT s with $LEFT left"; break; }
  sleep 1
done
RECOVERED=$($PSQL -c "select round(extract(epoch from max(updated_at) - to_timestamp($KILLED))::numeric, 1) from notifications.outbox where topic = 'appointment.reminder'")
STATS=$(curl -s "http://127.0.0.1:$FAKE/stats")
{
  echo "# kill -9 during notification dispatch $(date -u +%FT%TZ) on $(nproc) cores: $MESSAGES due reminders, killed after $KILL_AT sent, lease $LEASE"
  echo "at the kill: $CLAIMED"
  $PSQL -c "select 'after the restart: ' || count(*) filter (where status = 'done') || ' done, ' || count(*) filter (where status = 'skipped') || ' skipped, ' || count(*) filter (where status = 'dead') || ' dead, ' || count(*) filter (where status = 'pending') || ' left' from notifications.outbox where topic = 'appointment.reminder'"
  echo "drained $RECOVERED s after the kill"
  $PSQL -c "select 'messages sent more than once by the delivery records: ' || count(*) from (select outbox_id, channel, target from notifications.deliveries where status = 'sent' group by 1, 2, 3 having count(*) > 1) x"
  $PSQL -c "select 'inbox items: ' || count(*) || ' (' || count(distinct outbox_id) || ' distinct messages)' from notifications.inbox"
  echo "providers (stand-ins' own count): $STATS"
} | tee "$OUT"
echo "recorded in $OUT"

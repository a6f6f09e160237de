#!/usr/bin/env bash
# WeChat and FCM misbehaving under load, one command: bench/faults/providers.sh
# Starts the WeChat/FCM stand-ins (bench/notifications/FakeProviders.java) and the service on its embedded PostgreSQL,
# signs PATIENTS patients in (each with an app device; every other one also holds WeChat credits), and books at a
# steady rate (bench/faults/Load.java: 70% bookings, 30% slot searches, RATE requests/s). Every booking's
# confirmation goes out through the outbox, by WeChat for credit holders and by FCM for the others. After WARMUP, the
# stand-ins change mode every PHASE seconds: healthy, then both hang (no answer), drop connections without an answer, answer
# HTTP 503, and healthy again; then the run waits until every confirmation is sent (at most TIMEOUT s).
# Prints booking latency (p50/p99) per phase, the confirmations waiting, the breakers' moves (log and metrics), and
# whether each confirmation reached its provider exactly once: by the stand-ins' own count per message and by
# notifications.deliveries.
# Knobs: RATE (20), WARMUP (20 s of healthy load first, for the JIT), PHASE (30), PATIENTS (200), CREDITS (20 per WeChat patient), TIMEOUT (600). Needs psql.
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${RATE:-20}
WARMUP=${WARMUP:-20}
PHASE=${PHASE:-30}
PATIENTS=${PATIENTS:-200}
CREDITS=${CREDITS:-20}
TIMEOUT=${TIMEOUT:-600}
PORT=${BENCH_PORT:-18084}
PGPORT=${BENCH_PG_PORT:-55436}
FAKE=${BENCH_FAKE_PORT:-19995}
command -v psql >/dev/null || { echo "psql not found: apt-get install postgresql-client"; exit 1; }
for port in $PORT $PGPORT $FAKE; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "port $port is in use (an earlier run left something?)"; exit 1; fi
done
DATA=$(mktemp -d)
OUT=bench/results/providers-$(date -u +%Y%m%dT%H%M%SZ).txt
PSQL="psql -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -qtA"

./mvnw -q -B -pl api -am package -DskipTests
# Patients hold many WeChat credits here, so the stand-in does not model one message per subscription.
ONE_PER_SUBSCRIPTION=false java bench/notifications/FakeProviders.java "$FAKE" 20 >"$DATA/fake.log" 2>&1 &
FAKE_PID=$!
PORT=$PORT DATA_DIR=$DATA EMBEDDED_DB_PORT=$PGPORT INTEGRATION_CLIENT_SECRET=faults-secret \
  FORWARD_HEADERS_STRATEGY=framework MAX_UPCOMING_APPOINTMENTS=1000000 \
  WECHAT_APPID=wx-faults WECHAT_SECRET=faults WECHAT_API_BASE_URL=http://127.0.0.1:$FAKE \
  WECHAT_TEMPLATE_APPOINTMENT_CHANGE=tmpl-change FCM_PROJECT_ID=faults \
  java -Xmx512m ${APP_JAVA_OPTS:-} -Dcrm.notifications.fcm.api-base-url=http://127.0.0.1:$FAKE \
  -jar api/target/api-0.1.0-SNAPSHOT.jar >"$DATA/app.log" 2>&1 &
APP=$!
cleanup() {
  set +e
  kill "$APP" "$FAKE_PID" 2>/dev/null; wait "$APP" 2>/dev/null
  rm -rf "$DATA"
  return 0
}
trap cleanup EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null || { tail -40 "$DATA/app.log"; exit 1; }

WAITING="select count(*) from notifications.outbox where topic = 'appointment.change' and status = 'pending'"
{
  echo "# WeChat and FCM misbehaving under load $(date -u +%FT%TZ) on $(nproc) cores (service, PostgreSQL, stand-ins and load generator share them; other work may run on the machine too; load average $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "load: $RATE requests/s, open loop, 70% bookings, 30% slot searches; $PATIENTS patients, every other one with $CREDITS WeChat credits, all with an app device; provider timeouts 5 s; breakers: window 20 calls, open at 50% failed for 30 s"
  java bench/faults/Load.java base="http://127.0.0.1:$PORT" client=his-dev secret=faults-secret fake="http://127.0.0.1:$FAKE" \
    out="$DATA/load" patients="$PATIENTS" credits="$CREDITS" rate="$RATE" mix="book:70,search:30" report=providers \
    phases="warmup:$WARMUP,healthy:$PHASE,hang:$PHASE,reset:$PHASE,unavailable:$PHASE,recovered:$PHASE" \
    mode.warmup="wechat=ok&fcm=ok" mode.healthy="wechat=ok&fcm=ok" mode.hang="wechat=hang&fcm=hang" mode.reset="wechat=reset&fcm=reset" \
    mode.unavailable="wechat=503&fcm=503" mode.recovered="wechat=ok&fcm=ok" \
    probe="$PSQL -c \"$WAITING\"" drain="$TIMEOUT"
  RECOVERED=$(awk -F, '$1 == "recovered" {print $2}' "$DATA/load/phases.csv")
  echo "breakers (service log):"
  grep 'circuit breaker' "$DATA/app.log" | sed -E 's/^[0-9-]+T([0-9:]+)\.[0-9]+Z.*ProviderGuard *: /  \1 /' | uniq -c | sed 's/^ */  /'
  echo "breakers (metrics): $(curl -s "http://127.0.0.1:$PORT/actuator/prometheus" | grep '^notifications_breaker_transitions_total' | sed -E 's/notifications_breaker_transitions_total\{provider="([^"]+)",to="([^"]+)"\} ([0-9]+)\.0/\1 to \2: \3/' | paste -sd, - | sed 's/,/, /g')"
  echo "confirmation outcomes per attempt (metrics): $(curl -s "http://127.0.0.1:$PORT/actuator/prometheus" | grep '^crm_outbox_messages_total{.*topic="appointment.change"' | sed -E 's/.*outcome="([^"]+)".*\} ([0-9]+)\.0/\1 \2/' | paste -sd, - | sed 's/,/, /g')"
  $PSQL -c "select 'confirmations: ' || count(*) || ' written, ' || count(*) filter (where status = 'done') || ' done, ' || count(*) filter (where status = 'dead') || ' dead, ' || count(*) filter (where status in ('pending','claimed')) || ' left; the last sent ' || coalesce(round(extract(epoch from max(updated_at) filter (where status = 'done') - to_timestamp($RECOVERED))::numeric, 1)::text, '-') || ' s after the providers recovered' from notifications.outbox where topic = 'appointment.change'"
  $PSQL -c "select 'attempts per confirmation: ' || string_agg(attempts || ': ' || n, ', ' order by attempts) from (select attempts, count(*) n from notifications.outbox where topic = 'appointment.change' group by 1) x"
  $PSQL -c "select 'deliveries: ' || string_agg(channel || ' ' || status || ' ' || n, ', ' order by channel, status) from (select d.channel, d.status, count(*) n from notifications.deliveries d join notifications.outbox o on o.id = d.outbox_id where o.topic = 'appointment.change' group by 1, 2) x"
  $PSQL -c "select 'confirmations sent more than once by the delivery records: ' || count(*) from (select outbox_id, channel, target from notifications.deliveries where status = 'sent' group by 1, 2, 3 having count(*) > 1) x"
  $PSQL -c "select 'confirmations reaching no push provider (inbox only): ' || count(*) from notifications.outbox o where o.topic = 'appointment.change' and o.status = 'done' and not exists (select 1 from notifications.deliveries d where d.outbox_id = o.id and d.channel in ('wechat', 'app_push') and d.status = 'sent')"
  echo "service log: $(grep -c ' ERROR ' "$DATA/app.log") ERROR lines; load average now $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "providers (stand-ins' own count of messages delivered, and of sends not answered with success): $(curl -s "http://127.0.0.1:$FAKE/stats")"
} | tee "$OUT"
echo "recorded in $OUT"

#!/usr/bin/env bash
# PostgreSQL hangs under load, one command: bench/faults/db-hang.sh
# Runs a private PostgreSQL (bench/faults/private-pg.sh) as the service's external database, seeds MESSAGES due
# reminders for the dispatcher (bench/notifications/seed.sql, sent through the WeChat/FCM stand-ins) and drives a
# steady mixed load (bench/faults/Load.java: slot search, booking, feedback, the hospital's slot push) at RATE
# requests/s. After WARMUP and BEFORE seconds it freezes PostgreSQL, the postmaster and every backend, with SIGSTOP:
# its sockets stay open and the kernel still accepts connections, so nothing is refused and nothing answers. HANG
# seconds later SIGCONT resumes it, and the load goes on for AFTER seconds. Prints the answers per window and in
# 5-second steps, how many requests during the hang answered 503 problem+json within the bound (DB_STATEMENT_TIMEOUT
# on a connection, DB_MAX_ACQUIRE_TIME for one), readiness going DOWN and UP, how long after SIGCONT the service served
# again, and the dispatcher: the claims it held when PostgreSQL froze, recovered after their lease (LEASE), and every
# reminder sent exactly once. Then every write whose answer was lost or 5xx is sent again with its key and
# bench/faults/reconcile.sql checks the database against what the service answered.
# Knobs: RATE (50), WARMUP (10), BEFORE (15), HANG (15), AFTER (30), PATIENTS (200), MESSAGES (10000), DELAY_MS (20),
# LEASE (20s; the service's default is 2m), STATEMENT_TIMEOUT (5s), ACQUIRE_TIME (5s), TIMEOUT (300 s for the drain).
# Needs psql, initdb and pg_ctl (apt-get install postgresql).
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${RATE:-50}
WARMUP=${WARMUP:-10}
BEFORE=${BEFORE:-15}
HANG=${HANG:-15}
AFTER=${AFTER:-30}
PATIENTS=${PATIENTS:-200}
MESSAGES=${MESSAGES:-10000}
DELAY_MS=${DELAY_MS:-20}
LEASE=${LEASE:-20s}
STATEMENT_TIMEOUT=${STATEMENT_TIMEOUT:-5s}
ACQUIRE_TIME=${ACQUIRE_TIME:-5s}
TIMEOUT=${TIMEOUT:-300}
PORT=${BENCH_PORT:-18094}
PGPORT=${BENCH_PG_PORT:-55442}
FAKE=${BENCH_FAKE_PORT:-19991}
command -v psql >/dev/null || { echo "psql not found: apt-get install postgresql-client"; exit 1; }
for port in $PORT $PGPORT $FAKE; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "port $port is in use (an earlier run left something?)"; exit 1; fi
done
DATA=$(mktemp -d)
OUT=bench/results/db-hang-$(date -u +%Y%m%dT%H%M%SZ).txt
PSQL="psql -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -qtA"
APP=""
FAKE_PID=""
cleanup() {
  set +e
  # Never leave PostgreSQL frozen: it could not be stopped.
  [ -f "$DATA/frozen" ] && kill -CONT $(cat "$DATA/frozen") 2>/dev/null
  [ -n "$APP" ] && { kill "$APP" 2>/dev/null; wait "$APP" 2>/dev/null; }
  [ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null
  [ -n "${PGCTL:-}" ] && $PGCTL -m fast -w stop >/dev/null 2>&1
  rm -rf "$DATA" "${PGDIR:-}"
  return 0
}
trap cleanup EXIT
source bench/faults/private-pg.sh
seconds() { case "$1" in *ms) echo "scale=3; ${1%ms} / 1000" | bc ;; *s) echo "${1%s}" ;; *) echo "$1" ;; esac; }

./mvnw -q -B -pl api -am package -DskipTests
java bench/notifications/FakeProviders.java "$FAKE" "$DELAY_MS" >"$DATA/fake.log" 2>&1 &
FAKE_PID=$!
PORT=$PORT DATA_DIR=$DATA DB_HOST=127.0.0.1 DB_PORT=$PGPORT DB_NAME=postgres DB_USER=postgres \
  DB_STATEMENT_TIMEOUT=$STATEMENT_TIMEOUT DB_MAX_ACQUIRE_TIME=$ACQUIRE_TIME \
  ADMIN_PASSWORD=faults-admin INTEGRATION_CLIENT_SECRET=faults-secret FORWARD_HEADERS_STRATEGY=framework \
  MAX_UPCOMING_APPOINTMENTS=1000000 WECHAT_APPID=wx-bench WECHAT_SECRET=bench WECHAT_API_BASE_URL=http://127.0.0.1:$FAKE \
  WECHAT_TEMPLATE_APPOINTMENT_REMINDER=tmpl-reminder FCM_PROJECT_ID=bench \
  java -Xmx512m ${APP_JAVA_OPTS:-} -Dcrm.notifications.fcm.api-base-url=http://127.0.0.1:$FAKE \
  -Dcrm.notifications.wechat.rate-per-second=100000 -Dcrm.notifications.fcm.rate-per-second=100000 \
  -Dcrm.dispatcher.lease="$LEASE" -jar api/target/api-0.1.0-SNAPSHOT.jar >"$DATA/app.log" 2>&1 &
APP=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null || { tail -40 "$DATA/app.log"; exit 1; }

# The postmaster first (it forks no new backend once stopped), then its children; all resumed together.
POSTMASTER=$(head -1 "$PGDIR/data/postmaster.pid")
FREEZE="echo \$(date +%s.%N) > $DATA/frozen-at; echo $POSTMASTER \$(pgrep -P $POSTMASTER | tr '\n' ' ') > $DATA/frozen; kill -STOP \$(cat $DATA/frozen)"
RESUME="kill -CONT \$(cat $DATA/frozen); echo \$(date +%s.%N) > $DATA/resumed-at; rm $DATA/frozen"
# A reminder being sent has a claim on its queue row; "claimed" is not an outbox status.
REMINDERS="from notifications.outbox o left join notifications.outbox_queue q on q.id = o.id where o.topic = 'appointment.reminder' and o.dedupe_key like 'bench:%'"
BOUND=$(echo "$(seconds "$STATEMENT_TIMEOUT") + $(seconds "$ACQUIRE_TIME")" | bc)
{
  echo "# PostgreSQL frozen (SIGSTOP) for $HANG s under load $(date -u +%FT%TZ) on $(nproc) cores (service, PostgreSQL, stand-ins and load generator share them; other work may run on the machine too; load average $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "load: $RATE requests/s, open loop: slot search 50%, booking 25%, feedback 15%, hospital slot push 10%; $PATIENTS patients; $MESSAGES due reminders for the dispatcher (providers answer in $DELAY_MS ms, lease $LEASE); PostgreSQL $PG_VERSION; DB_STATEMENT_TIMEOUT $STATEMENT_TIMEOUT, DB_MAX_ACQUIRE_TIME $ACQUIRE_TIME"
  java bench/faults/Load.java base="http://127.0.0.1:$PORT" client=his-dev secret=faults-secret admin=faults-admin \
    out="$DATA/load" patients="$PATIENTS" rate="$RATE" readiness=true readiness.timeout=12 report=hang bound="$BOUND" \
    phases="warmup:$WARMUP,before:$BEFORE,hang:$HANG,after:$AFTER" \
    at.warmup="$PSQL -v n=$MESSAGES -f bench/notifications/seed.sql" \
    at.hang="$PSQL -c \"select count(*) filter (where q.claim_token is not null) || ' claimed, ' || count(*) filter (where status = 'done') || ' done' $REMINDERS\" > $DATA/claimed.txt; $FREEZE" \
    at.after="$RESUME" \
    probe="$PSQL -c \"select count(*) $REMINDERS and status = 'pending'\"" drain="$TIMEOUT"
  FROZEN_AT=$(cat "$DATA/frozen-at"); RESUMED_AT=$(cat "$DATA/resumed-at")
  echo "service log: $(grep -c 'did not answer within' "$DATA/app.log") connections closed after a missed deadline, $(grep -c 'Database unavailable on' "$DATA/app.log") requests answered 503 for the database (one line each, no stack trace), $(grep -c 'Unhandled error' "$DATA/app.log") unhandled errors, $(grep -c ' ERROR ' "$DATA/app.log") ERROR lines; load average now $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "dispatcher:"
  echo "  reminders just before PostgreSQL froze: $(cat "$DATA/claimed.txt")"
  echo "  outcomes it could not record during the hang: $(grep -c 'Could not record the outcome' "$DATA/app.log"); dispatch cycles that failed: $(grep -c 'Outbox dispatch cycle failed' "$DATA/app.log")"
  grep -E 'Recovered [0-9]+ outbox claims' "$DATA/app.log" | sed -E 's/^[0-9-]+T([0-9:.]+)Z.*Recovered ([0-9]+) outbox claims.*/  \1 recovered \2 claims whose lease had run out/' | head -5
  $PSQL -c "select '  first reminder sent after SIGCONT: ' || coalesce(round(extract(epoch from min(updated_at) - to_timestamp($RESUMED_AT))::numeric, 1)::text, 'none') || ' s after; all ' || count(*) || ' done ' || round(extract(epoch from max(updated_at) - to_timestamp($RESUMED_AT))::numeric, 1) || ' s after' $REMINDERS and status = 'done' and updated_at > to_timestamp($RESUMED_AT)"
  $PSQL -c "select '  reminders: ' || count(*) filter (where status = 'done') || ' done, ' || count(*) filter (where status = 'skipped') || ' skipped, ' || count(*) filter (where status = 'dead') || ' dead, ' || count(*) filter (where status = 'pending') || ' left of ' || count(*) || ', ' || count(*) filter (where o.attempts > 1) || ' took more than one attempt' $REMINDERS"
  $PSQL -c "select '  sent more than once by the delivery records: ' || count(*) from (select outbox_id, channel, target from notifications.deliveries where status = 'sent' group by 1, 2, 3 having count(*) > 1) x"
  $PSQL -c "select '  inbox items: ' || count(*) || ' (' || count(distinct outbox_id) || ' distinct messages)' from notifications.inbox i join notifications.outbox o on o.id = i.outbox_id where o.dedupe_key like 'bench:%'"
  echo "  providers (stand-ins' own count): $(curl -s "http://127.0.0.1:$FAKE/stats")"
  echo "  (hang from $(date -u -d @"$FROZEN_AT" +%T.%N | cut -c1-12) to $(date -u -d @"$RESUMED_AT" +%T.%N | cut -c1-12) UTC)"
  echo "the database against what the service answered:"
  sed "s|@DIR@|$DATA/load|g" bench/faults/reconcile.sql | $PSQL
} | tee "$OUT"
echo "recorded in $OUT"

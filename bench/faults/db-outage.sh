#!/usr/bin/env bash
# PostgreSQL stopped under load, one command: bench/faults/db-outage.sh
# Runs a private PostgreSQL (Debian's initdb and pg_ctl, in a temp directory, on its own port) as the service's
# external database, starts the service on it and drives a steady mixed load (bench/faults/Load.java: slot search,
# booking, feedback, the hospital's slot push) at RATE requests/s. After WARMUP and BEFORE seconds PostgreSQL is
# stopped (pg_ctl stop -m STOP_MODE) for OUTAGE seconds, then started again, and the load goes on for AFTER seconds.
# Prints what the service answered while the database was down (503 problem+json with Retry-After expected, fast),
# readiness going DOWN and back UP, how long after PostgreSQL was back the first request succeeded (target <= 5 s),
# and, after every lost or 5xx write was sent again with its Idempotency-Key, whether the database holds exactly
# what the service answered: each booking and ticket answered 2xx once, nothing nobody was told of, slot counts
# equal to live appointments, each booking's outbox messages once, every slot push at its last version.
# Knobs: RATE (100), WARMUP (10), BEFORE (20), OUTAGE (10), AFTER (20), PATIENTS (300), STOP_MODE (fast; immediate
# is a crash), PGBIN (Debian's PostgreSQL bin directory). Needs psql, initdb and pg_ctl (apt-get install postgresql).
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${RATE:-100}
WARMUP=${WARMUP:-10}
BEFORE=${BEFORE:-20}
OUTAGE=${OUTAGE:-10}
AFTER=${AFTER:-20}
PATIENTS=${PATIENTS:-300}
STOP_MODE=${STOP_MODE:-fast}
PORT=${BENCH_PORT:-18083}
PGPORT=${BENCH_PG_PORT:-55435}
FAKE=${BENCH_FAKE_PORT:-19996}
command -v psql >/dev/null || { echo "psql not found: apt-get install postgresql-client"; exit 1; }
for port in $PORT $PGPORT $FAKE; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "port $port is in use (an earlier run left something?)"; exit 1; fi
done
DATA=$(mktemp -d)
OUT=bench/results/db-outage-$(date -u +%Y%m%dT%H%M%SZ).txt
PSQL="psql -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -qtA"
APP=""
FAKE_PID=""
cleanup() {
  set +e
  [ -n "$APP" ] && { kill "$APP" 2>/dev/null; wait "$APP" 2>/dev/null; }
  [ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null
  [ -n "${PGCTL:-}" ] && $PGCTL -m fast -w stop >/dev/null 2>&1
  rm -rf "$DATA" "${PGDIR:-}"
  return 0
}
trap cleanup EXIT
source bench/faults/private-pg.sh

./mvnw -q -B -pl api -am package -DskipTests
java bench/notifications/FakeProviders.java "$FAKE" 20 >"$DATA/fake.log" 2>&1 &
FAKE_PID=$!
PORT=$PORT DATA_DIR=$DATA DB_HOST=127.0.0.1 DB_PORT=$PGPORT DB_NAME=postgres DB_USER=postgres \
  ADMIN_PASSWORD=faults-admin INTEGRATION_CLIENT_SECRET=faults-secret FORWARD_HEADERS_STRATEGY=framework \
  MAX_UPCOMING_APPOINTMENTS=1000000 WECHAT_APPID=wx-faults WECHAT_SECRET=faults \
  WECHAT_API_BASE_URL=http://127.0.0.1:$FAKE FCM_PROJECT_ID=faults \
  java -Xmx512m ${APP_JAVA_OPTS:-} -Dcrm.notifications.fcm.api-base-url=http://127.0.0.1:$FAKE \
  -jar api/target/api-0.1.0-SNAPSHOT.jar >"$DATA/app.log" 2>&1 &
APP=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null || { tail -40 "$DATA/app.log"; exit 1; }

{
  echo "# PostgreSQL stopped for $OUTAGE s under load $(date -u +%FT%TZ) on $(nproc) cores (service, PostgreSQL and load generator share them; other work may run on the machine too; load average $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "load: $RATE requests/s, open loop: slot search 50%, booking 25%, feedback 15%, hospital slot push 10%; $PATIENTS patients; PostgreSQL $PG_VERSION stopped with -m $STOP_MODE"
  java bench/faults/Load.java base="http://127.0.0.1:$PORT" client=his-dev secret=faults-secret admin=faults-admin \
    out="$DATA/load" patients="$PATIENTS" rate="$RATE" readiness=true report=outage \
    phases="warmup:$WARMUP,before:$BEFORE,outage:$OUTAGE,after:$AFTER" \
    at.outage="$PGCTL -m $STOP_MODE -w stop" at.after="$PGCTL -w start"
  echo "service log: $(grep -c 'Database unavailable on' "$DATA/app.log") requests answered 503 for the database (one line each, no stack trace); $(grep -c 'Unhandled error' "$DATA/app.log") unhandled errors; load average now $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "the database against what the service answered:"
  sed "s|@DIR@|$DATA/load|g" bench/faults/reconcile.sql | $PSQL
  $PSQL -c "select '  outbox now: ' || string_agg(status || ' ' || n, ', ' order by status) from (select status, count(*) n from notifications.outbox group by 1) x"
} | tee "$OUT"
echo "recorded in $OUT"

#!/usr/bin/env bash
# Notifications benchmark, one command: bench/notifications/run.sh
# Starts stand-ins for WeChat and FCM that answer each send after DELAY_MS, starts the service on its embedded
# PostgreSQL pointed at them, seeds MESSAGES due appointment reminders (patients with an app device each, half of
# them also WeChat users holding a subscription credit), lets the dispatcher drain them, and prints messages/s,
# the delay from due time to sent (p50/p95/p99), duplicates (by the stand-ins' count and by the delivery records),
# and the service's peak resident memory.
# A warm-up round of WARMUP reminders is drained first and not measured: on two cores the JIT compiler takes most of a
# core for the first minute or two, and a service that runs for days does not pay that per reminder.
# Knobs: MESSAGES (100000), WARMUP (20000, 0 for none), DELAY_MS (20), TIMEOUT seconds to wait for the drain (900),
# APP_JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")/../.."
MESSAGES=${MESSAGES:-100000}
WARMUP=${WARMUP:-20000}
DELAY_MS=${DELAY_MS:-20}
TIMEOUT=${TIMEOUT:-900}
PORT=${BENCH_PORT:-18081}
PGPORT=${BENCH_PG_PORT:-55433}
FAKE=${BENCH_FAKE_PORT:-19998}
DATA=$(mktemp -d)
OUT=bench/results/notifications-$(date -u +%Y%m%dT%H%M%SZ).txt
PSQL="psql -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -qtA"
command -v psql >/dev/null || { echo "psql not found: apt-get install postgresql-client"; exit 1; }

./mvnw -q -B -pl api -am package -DskipTests
java bench/notifications/FakeProviders.java "$FAKE" "$DELAY_MS" >"$DATA/fake.log" 2>&1 &
FAKE_PID=$!
# Provider quotas are lifted: the benchmark measures the delivery engine, not the rate limits that protect a real
# WeChat or FCM quota (100/s and 500/s by default).
PORT=$PORT DATA_DIR=$DATA EMBEDDED_DB_PORT=$PGPORT \
  WECHAT_APPID=wx-bench WECHAT_SECRET=bench WECHAT_API_BASE_URL=http://127.0.0.1:$FAKE \
  WECHAT_TEMPLATE_APPOINTMENT_REMINDER=tmpl-reminder FCM_PROJECT_ID=bench \
  java -Xmx512m ${APP_JAVA_OPTS:-} -Dcrm.notifications.fcm.api-base-url=http://127.0.0.1:$FAKE \
  -Dcrm.notifications.wechat.rate-per-second=100000 -Dcrm.notifications.fcm.rate-per-second=100000 \
  -jar api/target/api-0.1.0-SNAPSHOT.jar >"$DATA/app.log" 2>&1 &
APP=$!
trap 'kill $APP $FAKE_PID 2>/dev/null; wait $APP 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null || { tail -40 "$DATA/app.log"; exit 1; }

# Waits until no reminder of this round (dedupe keys 'bench:TAG:n') is pending (waiting or being sent).
drain() {
  local start=$(date +%s) left
  while :; do
    left=$($PSQL -c "select count(*) from notifications.outbox where dedupe_key like 'bench:$1:%' and status = 'pending'")
    [ "$left" = "0" ] && return 0
    curl -s "http://127.0.0.1:$PORT/actuator/prometheus" | awk '/^crm_outbox_in_flight\{.*lane="notifications"/ {print $2}' >>"$DATA/inflight-$1"
    [ $(( $(date +%s) - start )) -gt "$TIMEOUT" ] && { echo "gave up after $TIMEOUT s with $left left"; return 0; }
    sleep 2
  done
}
# One transaction per round: its reminders come due together 20 s after it commits (seeding is not measured).
if [ "$WARMUP" -gt 0 ]; then
  $PSQL -v n="$WARMUP" -v tag=w -f bench/notifications/seed.sql >/dev/null
  echo "seeded $WARMUP warm-up reminders; draining (not measured)..."
  drain w
fi
# CPU time (clock ticks) of a process and its children, and of the whole machine (busy, all), over the measured round.
ticks() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat") )); done; echo "$t"; }
machine() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }
PG_MAIN=$(head -1 "$($PSQL -c 'show data_directory')/postmaster.pid")
pg_pids() { echo "$PG_MAIN" $(pgrep -P "$PG_MAIN"); }
$PSQL -v n="$MESSAGES" -v tag=m -f bench/notifications/seed.sql >/dev/null
echo "seeded $MESSAGES reminders; draining..."
sleep 19 # they come due 20 s after the seeding committed: the CPU figures start about then
APP0=$(ticks $APP); FAKE0=$(ticks $FAKE_PID); PG0=$(ticks $(pg_pids)); read -r BUSY0 ALL0 <<<"$(machine)"
drain m
APP1=$(ticks $APP); FAKE1=$(ticks $FAKE_PID); PG1=$(ticks $(pg_pids)); read -r BUSY1 ALL1 <<<"$(machine)"
HZ=$(getconf CLK_TCK)
cpu() { awk -v t="$1" -v n="$MESSAGES" -v hz="$HZ" 'BEGIN {printf "%.2f", 1000 * t / hz / n}'; }
PEAK_KB=$(awk '/VmHWM/ {print $2}' /proc/$APP/status)
# Per batcher: calls per statement, mean wait for the batch, mean statement time (Micrometer, /actuator/prometheus).
BATCHES=$(curl -s "http://127.0.0.1:$PORT/actuator/prometheus" | awk '
  /^crm_batch_size_(count|sum)\{/ || /^crm_batch_(wait|load)_seconds_(count|sum)\{/ {
    match($0, /batch="[^"]+"/); b = substr($0, RSTART + 7, RLENGTH - 8); v[b, $1 ~ /size_count/ ? "sc" : $1 ~ /size_sum/ ? "ss" : $1 ~ /wait_seconds_count/ ? "wc" : $1 ~ /wait_seconds_sum/ ? "ws" : $1 ~ /load_seconds_count/ ? "lc" : "ls"] = $2; names[b] = 1 }
  END { for (b in names) if (v[b, "sc"] > 0) printf "  %-20s %6.1f calls/statement, wait %5.1f ms, statement %5.1f ms\n", b, v[b, "ss"] / v[b, "sc"], 1000 * v[b, "ws"] / v[b, "wc"], 1000 * v[b, "ls"] / v[b, "lc"] }' | sort)
STATS=$(curl -s "http://127.0.0.1:$FAKE/stats")
{
  echo "# Notifications benchmark $(date -u +%FT%TZ) on $(nproc) cores: $MESSAGES due reminders (after $WARMUP not measured), providers answering in $DELAY_MS ms"
  $PSQL -c "select 'drained: ' || count(*) filter (where status = 'done') || ' done, ' || count(*) filter (where status = 'skipped') || ' skipped, ' || count(*) filter (where status = 'dead') || ' dead, ' || count(*) filter (where status in ('pending','claimed')) || ' left' from notifications.outbox where dedupe_key like 'bench:m:%'"
  $PSQL -c "select 'throughput: ' || round(count(*) / extract(epoch from max(updated_at) - min(due_at))::numeric) || ' messages/s (' || round(extract(epoch from max(updated_at) - min(due_at))::numeric, 1) || ' s from due time to the last one sent)' from notifications.outbox where dedupe_key like 'bench:m:%' and status = 'done'"
  $PSQL -c "select 'sending: ' || round(count(*) / greatest(extract(epoch from max(updated_at) - min(updated_at)), 1)::numeric) || ' messages/s from the first one done to the last (' || round(extract(epoch from min(updated_at) - min(due_at))::numeric, 1) || ' s after the due time, which the seeding''s commit may have passed); busiest second ' || (select max(c) from (select count(*) c from notifications.outbox where dedupe_key like 'bench:m:%' and status = 'done' group by date_trunc('second', updated_at)) x) from notifications.outbox where dedupe_key like 'bench:m:%' and status = 'done'"
  $PSQL -c "select 'due to sent: p50 ' || round(percentile_cont(0.5) within group (order by extract(epoch from updated_at - due_at))::numeric, 2) || ' s, p95 ' || round(percentile_cont(0.95) within group (order by extract(epoch from updated_at - due_at))::numeric, 2) || ' s, p99 ' || round(percentile_cont(0.99) within group (order by extract(epoch from updated_at - due_at))::numeric, 2) || ' s' from notifications.outbox where dedupe_key like 'bench:m:%' and status = 'done'"
  $PSQL -c "select 'stages on ' || channel || ' (p50 / p99 ms): inbox written -> push recorded ' || round(percentile_cont(0.5) within group (order by p)) || ' / ' || round(percentile_cont(0.99) within group (order by p)) || ', push recorded -> message done ' || round(percentile_cont(0.5) within group (order by d)) || ' / ' || round(percentile_cont(0.99) within group (order by d)) from (select x.channel, extract(epoch from x.attempted_at - i.created_at) * 1000 as p, extract(epoch from o.updated_at - x.attempted_at) * 1000 as d from notifications.outbox o join notifications.inbox i on i.outbox_id = o.id join notifications.deliveries x on x.outbox_id = o.id and x.channel <> 'in_app' and x.status = 'sent' where o.dedupe_key like 'bench:m:%' and o.status = 'done') s group by channel"
  $PSQL -c "select 'deliveries: ' || string_agg(channel || ' ' || status || ' ' || n, ', ' order by channel, status) from (select d.channel, d.status, count(*) n from notifications.deliveries d join notifications.outbox o on o.id = d.outbox_id where o.dedupe_key like 'bench:m:%' group by 1, 2) x"
  $PSQL -c "select '  failed attempts: ' || d.channel || ' ' || coalesce(d.detail, '?') || ': ' || count(*) from notifications.deliveries d join notifications.outbox o on o.id = d.outbox_id where o.dedupe_key like 'bench:m:%' and d.status = 'failed' group by d.channel, d.detail order by count(*) desc limit 6"
  echo "providers (stand-ins' own count, warm-up included): $STATS"
  $PSQL -c "select 'duplicates by the delivery records (warm-up included): ' || count(*) from (select outbox_id, channel, target from notifications.deliveries where status = 'sent' group by 1, 2, 3 having count(*) > 1) x"
  $PSQL -c "select 'inbox items (warm-up included): ' || count(*) || ' (' || count(distinct outbox_id) || ' distinct messages)' from notifications.inbox"
  echo "CPU per message (due time to drained): service $(cpu $((APP1 - APP0))) ms, PostgreSQL $(cpu $((PG1 - PG0))) ms (backends that exited meanwhile not counted), stand-ins $(cpu $((FAKE1 - FAKE0))) ms; the machine was $(( 100 * (BUSY1 - BUSY0) / (ALL1 - ALL0) ))% busy"
  echo "service peak resident memory: $(( PEAK_KB / 1024 )) MB (-Xmx512m)"
  echo "dispatcher, notifications lane: $(awk '{ s += $1; n++ } END { if (n) printf "%.0f", s / n }' "$DATA/inflight-m") in flight on average while draining; claim to outcome $(curl -s "http://127.0.0.1:$PORT/actuator/prometheus" | awk '/^crm_outbox_handling_seconds_(sum|count)\{.*lane="notifications"/ { v[$1 ~ /sum/] = $2 } END { if (v[0]) printf "%.0f", 1000 * v[1] / v[0] }') ms on average; claim statements $(curl -s "http://127.0.0.1:$PORT/actuator/prometheus" | awk '/^crm_outbox_claim_seconds_(sum|count)\{.*lane="notifications"/ { v[$1 ~ /sum/] = $2 } END { if (v[0]) printf "%d of %.1f ms on average", v[0], 1000 * v[1] / v[0] }') (warm-up included)"
  echo "batched statements (per batcher):"
  echo "$BATCHES"
  echo "settings: ${APP_JAVA_OPTS:-defaults} DB_POOL_SIZE=${DB_POOL_SIZE:-20} DISPATCHER_NOTIFICATIONS_CONCURRENCY=${DISPATCHER_NOTIFICATIONS_CONCURRENCY:-default}; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT"
echo "recorded in $OUT"

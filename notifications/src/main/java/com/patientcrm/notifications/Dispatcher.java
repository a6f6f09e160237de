package com.patientcrm.notifications;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Claims due outbox messages in batches and hands each to the handler of its topic. Every instance runs one: a
 * claim is {@code FOR UPDATE SKIP LOCKED} plus a lease, so instances never wait on each other and a crashed
 * instance's claims come back when their lease runs out. Each claim carries a fresh token, and an outcome is only
 * written while that token still holds the row, so a dispatcher that lost its lease cannot overwrite a newer claim.
 *
 * <p>Claims and retries write only the message's narrow row in {@code notifications.outbox_queue}: a claim moves
 * its due time to the end of the lease, so an abandoned claim is simply due again then. The outcome deletes that
 * row (or makes it due again, for a retry) and writes the wide outbox row once, in one statement.
 */
@Component
class Dispatcher implements SmartLifecycle, org.springframework.beans.factory.DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final Duration FULL_PAUSE = Duration.ofMillis(10);
    private static final TypeReference<Map<String, Object>> PAYLOAD = new TypeReference<>() {};

    private final DatabaseClient db;
    private final JsonMapper json;
    private final DispatcherProperties properties;
    private final Clock clock;
    private final Map<String, OutboxHandler> handlers;
    private final MeterRegistry meters;
    /** Claimed here and not finished yet (id to claim token): released at shutdown rather than left to the lease. */
    private final Map<UUID, UUID> inFlight = new ConcurrentHashMap<>();
    /** The dispatch lanes: each claims for its own topics, up to its own number in flight. */
    private final List<Lane> lanes;
    private volatile boolean running;
    private volatile Disposable loop;
    private final Batcher<Completion, Long> completions = Batcher.of("outbox.complete", 0L, this::completeAll);

    Dispatcher(DatabaseClient db, JsonMapper json, DispatcherProperties properties, Clock clock,
               List<OutboxHandler> handlers, ObjectProvider<MeterRegistry> meters) {
        this.db = db;
        this.json = json;
        this.properties = properties;
        this.clock = clock;
        this.handlers = handlers.stream().flatMap(h -> h.topics().stream().map(t -> Map.entry(t, h)))
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
        this.meters = meters.getIfAvailable(io.micrometer.core.instrument.simple.SimpleMeterRegistry::new);
        this.lanes = handlers.stream().collect(Collectors.groupingBy(OutboxHandler::lane, TreeMap::new,
                        Collectors.flatMapping(h -> h.topics().stream(), Collectors.toCollection(TreeSet::new))))
                .entrySet().stream()
                .map(e -> new Lane(e.getKey(), e.getValue().toArray(String[]::new), properties.concurrencyOf(e.getKey())))
                .toList();
    }

    @Override
    public void start() {
        if (!properties.enabled() || handlers.isEmpty()) {
            log.info("Outbox dispatcher not started ({})", properties.enabled() ? "no handlers" : "disabled");
            return;
        }
        running = true;
        lanes.forEach(lane -> log.info("Outbox dispatcher lane {} started: up to {} in flight for topics {}", lane.name,
                lane.concurrency, List.of(lane.topics)));
        loop = Mono.defer(this::cycle)
                .onErrorResume(e -> {
                    log.warn("Outbox dispatch cycle failed, retrying after the poll interval: {}", e.toString());
                    lanes.forEach(Lane::rest);
                    return Mono.just(0);
                })
                .flatMap(n -> {
                    Duration pause = pause();
                    return pause.isZero() ? Mono.just(n) : Mono.delay(pause).thenReturn(n);
                })
                .repeat(() -> running)
                .subscribe();
    }

    /**
     * One round: claim for each lane as many due messages as it has room for (claims whose lease ran out among
     * them), and start them without waiting, so one slow message never holds up the others. Answers how
     * many were claimed, or -1 when no lane had room. At most a lane's concurrency of its messages are claimed and
     * unfinished on this instance at any time.
     */
    Mono<Integer> cycle() {
        List<Lane> ready = lanes.stream().filter(lane -> lane.roomToClaim() && lane.awake()).toList();
        if (ready.isEmpty()) {
            return Mono.just(-1);
        }
        return Flux.fromIterable(ready)
                .concatMap(lane -> {
                    int limit = Math.min(lane.free(), properties.batchSize());
                    return claim(limit, lane).map(batch -> {
                        if (batch.size() < limit) {
                            // Nothing more is due in this lane now: look again after the poll interval.
                            lane.rest();
                        }
                        Flux.fromIterable(batch).flatMap(claimed -> process(claimed, lane), lane.concurrency).subscribe();
                        return batch.size();
                    });
                })
                .reduce(0, Integer::sum);
    }

    /**
     * How long the loop waits before the next round: not at all while a lane has room and may have more due; a
     * moment when a lane with work is full (places free up as its messages finish); else until the first lane that
     * found nothing due looks again (the poll interval).
     */
    private Duration pause() {
        long now = System.nanoTime();
        long wait = properties.pollInterval().toNanos();
        for (Lane lane : lanes) {
            wait = Math.min(wait, lane.roomToClaim() ? Math.max(0, lane.restingUntil - now) : FULL_PAUSE.toNanos());
        }
        return Duration.ofNanos(wait);
    }

    /** A lane's messages in flight on this instance, and whether it is worth a claim statement. */
    private final class Lane {
        final String name;
        final String[] topics;
        final int concurrency;
        final AtomicInteger running = new AtomicInteger();
        /** {@link System#nanoTime()} until which the lane is not claimed for: it found nothing more due. */
        volatile long restingUntil = System.nanoTime();

        /** From claim to outcome written, per message. */
        final Timer handling;
        /** The claim statements. */
        final Timer claims;

        Lane(String name, String[] topics, int concurrency) {
            this.name = name;
            this.topics = topics;
            this.concurrency = concurrency;
            this.claims = Timer.builder("crm.outbox.claim").tag("lane", name)
                    .description("Claim statements of this instance, each up to a batch of due messages").register(meters);
            this.handling = Timer.builder("crm.outbox.handling").tag("lane", name)
                    .description("From a message's claim to its outcome written, on this instance").register(meters);
            Gauge.builder("crm.outbox.in.flight", running, AtomicInteger::get).tag("lane", name)
                    .description("Messages claimed and unfinished on this instance").register(meters);
        }

        int free() {
            return concurrency - running.get();
        }

        void rest() {
            restingUntil = System.nanoTime() + properties.pollInterval().toNanos();
        }

        boolean awake() {
            return System.nanoTime() - restingUntil >= 0;
        }

        /**
         * Claims in bulk: a claim per freed place would make the claim statement itself the limit (one at a time, a
         * few milliseconds each). A lane waits until a quarter of a batch is free, unless nothing of it is in flight.
         */
        boolean roomToClaim() {
            int room = Math.min(free(), properties.batchSize());
            return room > 0 && (room >= Math.max(1, Math.min(properties.batchSize(), concurrency) / 4) || running.get() == 0);
        }
    }

    /**
     * Claims up to {@code limit} due messages of the lane's topics: their queue rows get this claim's token, one more
     * attempt, and a due time at the end of the lease. A queue row whose message is no longer pending (withdrawn by
     * hand in the database) is dropped instead of handled.
     */
    private Mono<List<Claimed>> claim(int limit, Lane lane) {
        UUID token = UUID.randomUUID();
        return db.sql("with due as (select id, due_at, claim_token from notifications.outbox_queue where due_at <= now() "
                        + "and topic = any(:topics) order by due_at limit :limit for update skip locked), "
                        + "claimed as (update notifications.outbox_queue q set claim_token = :token, attempts = q.attempts + 1, "
                        + "due_at = now() + make_interval(secs => :lease) from due where q.id = due.id "
                        + "returning q.id, q.attempts, due.due_at, due.claim_token is not null as recovered) "
                        + "select c.id, c.attempts, c.due_at, c.recovered, o.status, o.topic, o.dedupe_key, o.patient_id, "
                        + "o.subject_id, o.payload::text as payload, o.created_at "
                        + "from claimed c left join notifications.outbox o on o.id = c.id")
                .bind("token", token)
                .bind("lease", (double) properties.lease().toSeconds())
                .bind("topics", lane.topics)
                .bind("limit", limit)
                .map(row -> "pending".equals(row.get("status", String.class))
                        ? new Row(row.get("id", UUID.class), row.get("recovered", Boolean.class), new OutboxEntry(
                                row.get("id", UUID.class), row.get("topic", String.class),
                                row.get("dedupe_key", String.class), row.get("patient_id", UUID.class),
                                row.get("subject_id", UUID.class), json.readValue(row.get("payload", String.class), PAYLOAD),
                                row.get("due_at", OffsetDateTime.class).toInstant(), row.get("attempts", Integer.class),
                                row.get("created_at", OffsetDateTime.class).toInstant()))
                        : new Row(row.get("id", UUID.class), false, null))
                .all()
                .collectList()
                .flatMap(rows -> dropStale(rows, token).thenReturn(rows))
                .map(rows -> {
                    long recovered = rows.stream().filter(Row::recovered).count();
                    if (recovered > 0) {
                        log.warn("Recovered {} outbox claims whose lease expired (an instance stopped mid-batch)", recovered);
                        meters.counter("crm.outbox.recovered").increment(recovered);
                    }
                    return rows.stream().filter(row -> row.entry() != null).map(row -> {
                        inFlight.put(row.id(), token);
                        lane.running.incrementAndGet();
                        return new Claimed(row.entry(), token);
                    }).toList();
                })
                .elapsed()
                .map(timed -> {
                    lane.claims.record(timed.getT1(), TimeUnit.MILLISECONDS);
                    return timed.getT2();
                });
    }

    /** A claimed queue row, with its message when that is still pending. */
    private record Row(UUID id, boolean recovered, OutboxEntry entry) {}

    private Mono<Void> dropStale(List<Row> rows, UUID token) {
        UUID[] stale = rows.stream().filter(row -> row.entry() == null).map(Row::id).toArray(UUID[]::new);
        if (stale.length == 0) {
            return Mono.empty();
        }
        log.warn("Dropped {} outbox queue rows whose message is no longer pending", stale.length);
        return db.sql("delete from notifications.outbox_queue where id = any(:ids) and claim_token = :token")
                .bind("ids", stale).bind("token", token).then();
    }

    private Mono<Void> process(Claimed claimed, Lane lane) {
        OutboxEntry entry = claimed.entry();
        long started = System.nanoTime();
        return Mono.defer(() -> handlers.get(entry.topic()).handle(entry))
                .timeout(properties.handlerTimeout())
                .onErrorResume(e -> Mono.just(Outcome.retry(describe(e))))
                .defaultIfEmpty(Outcome.retry("the handler gave no outcome"))
                .flatMap(outcome -> complete(claimed, outcome))
                // The outcome could not be written (database gone): the lease brings the message back later.
                .onErrorResume(e -> {
                    log.warn("Could not record the outcome of outbox message {}: {}", entry.id(), e.toString());
                    return Mono.empty();
                })
                .doFinally(signal -> {
                    inFlight.remove(entry.id());
                    lane.running.decrementAndGet();
                    lane.handling.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                });
    }

    private Mono<Void> complete(Claimed claimed, Outcome outcome) {
        OutboxEntry entry = claimed.entry();
        Instant now = clock.instant();
        Outcome.Kind kind = outcome.kind();
        String reason = outcome.reason();
        Instant due = entry.dueAt();
        int unspent = kind == Outcome.Kind.DEFER ? 1 : 0;
        if (kind == Outcome.Kind.DEFER) {
            due = outcome.notBefore();
        } else if (kind == Outcome.Kind.RETRY && entry.attempts() >= properties.maxAttempts()) {
            kind = Outcome.Kind.DEAD;
            reason = "gave up after " + entry.attempts() + " attempts: " + reason;
        } else if (kind == Outcome.Kind.RETRY) {
            due = outcome.notBefore() != null ? outcome.notBefore() : now.plus(backoff(entry.attempts()));
        }
        String status = switch (kind) {
            case DONE -> "done";
            case RETRY, DEFER -> "pending";
            case SKIPPED -> "skipped";
            case DEAD -> "dead";
        };
        if (kind == Outcome.Kind.DEAD) {
            log.warn("Outbox message {} ({}) is dead: {}", entry.id(), entry.topic(), reason);
        }
        Outcome.Kind recorded = kind;
        return completions.get(new Completion(entry.id(), claimed.token(), status, due, truncate(reason), unspent))
                .doOnNext(updated -> record(entry, recorded, updated, now))
                .then();
    }

    /** One message's outcome, written together with the other outcomes of the moment. */
    private record Completion(UUID id, UUID token, String status, Instant due, String reason, int unspent) {}

    /**
     * Answers 1 for each outcome written, 0 where the claim had passed to another instance meanwhile. A finished
     * message leaves the queue; a retried or deferred one is due again there, unclaimed. Either way its outbox row
     * takes the status, due time, reason and attempts, in the same statement.
     */
    private Mono<Map<Completion, Long>> completeAll(List<Completion> batch) {
        List<Completion> sorted = batch.stream().sorted(java.util.Comparator.comparing(Completion::id)).toList();
        return db.sql("with c as (select * from unnest(cast(:id as uuid[]), cast(:token as uuid[]), cast(:status as text[]), "
                        + "cast(:due as text[]), cast(:reason as text[]), cast(:unspent as int[])) "
                        + "as c(id, token, status, due, reason, unspent)), "
                        + "finished as (delete from notifications.outbox_queue q using c where q.id = c.id "
                        + "and q.claim_token = c.token and c.status <> 'pending' returning q.id, q.attempts, c.token), "
                        + "again as (update notifications.outbox_queue q set due_at = cast(c.due as timestamptz), "
                        + "claim_token = null, attempts = q.attempts - c.unspent from c where q.id = c.id "
                        + "and q.claim_token = c.token and c.status = 'pending' returning q.id, q.attempts, c.token), "
                        + "written as (select * from finished union all select * from again) "
                        + "update notifications.outbox o set status = c.status, due_at = case when c.status = 'pending' "
                        + "then cast(c.due as timestamptz) else o.due_at end, last_error = coalesce(c.reason, o.last_error), "
                        + "attempts = w.attempts, updated_at = now() "
                        + "from written w join c on c.id = w.id and c.token = w.token where o.id = w.id returning o.id")
                .bind("id", sorted.stream().map(Completion::id).toArray(UUID[]::new))
                .bind("token", sorted.stream().map(Completion::token).toArray(UUID[]::new))
                .bind("status", sorted.stream().map(Completion::status).toArray(String[]::new))
                .bind("due", sorted.stream().map(c -> c.due().toString()).toArray(String[]::new))
                .bind("reason", sorted.stream().map(Completion::reason).toArray(String[]::new))
                .bind("unspent", sorted.stream().map(Completion::unspent).toArray(Integer[]::new))
                .map(row -> row.get("id", UUID.class)).all().collect(java.util.stream.Collectors.toSet())
                .map(written -> {
                    Map<Completion, Long> answers = new java.util.HashMap<>();
                    batch.forEach(c -> answers.put(c, written.contains(c.id()) ? 1L : 0L));
                    return answers;
                });
    }

    private void record(OutboxEntry entry, Outcome.Kind kind, long updated, Instant now) {
        if (updated == 0) {
            log.warn("Outbox message {} was claimed again elsewhere after its lease ran out; its outcome here is dropped",
                    entry.id());
            return;
        }
        String outcome = kind.name().toLowerCase(java.util.Locale.ROOT);
        Counter.builder("crm.outbox.messages").tag("topic", entry.topic()).tag("outcome", outcome)
                .description("Outbox messages handled, by topic and outcome").register(meters).increment();
        if (kind == Outcome.Kind.DONE) {
            Timer.builder("crm.outbox.delay").tag("topic", entry.topic())
                    .description("From a message's due time to its successful handling").publishPercentileHistogram()
                    .register(meters).record(Duration.between(entry.dueAt(), now).abs());
        }
    }

    /** Doubles from the initial back-off per attempt, capped, with ±20% jitter so that retries do not arrive in step. */
    Duration backoff(int attempts) {
        long initial = properties.initialBackoff().toMillis();
        long cap = properties.maxBackoff().toMillis();
        long exact = initial << Math.min(Math.max(attempts - 1, 0), 30);
        long bounded = exact <= 0 || exact > cap ? cap : exact;
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis(Math.max(1, (long) (bounded * jitter)));
    }

    private static String describe(Throwable e) {
        return e instanceof java.util.concurrent.TimeoutException ? "timed out" : e.getClass().getSimpleName();
    }

    private static String truncate(String reason) {
        return reason == null || reason.length() <= 500 ? reason : reason.substring(0, 500);
    }

    /**
     * Stops in the phase of the web server's graceful shutdown (Boot's WebServerGracefulShutdownLifecycle), not before
     * it: at SIGTERM the server stops taking requests at once while the messages in flight finish alongside the
     * requests in flight, instead of the server serving on until the dispatcher is done.
     */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }

    /**
     * Stops claiming, lets the messages in flight finish within the grace period, then gives back what is still
     * claimed here so another instance can take it at once instead of after the lease.
     */
    @Override
    public void stop(Runnable callback) {
        running = false;
        Instant deadline = clock.instant().plus(properties.shutdownGrace());
        log.info("Outbox dispatcher stopping: {} message(s) in flight, waiting up to {} ms for them",
                inFlight.size(), properties.shutdownGrace().toMillis());
        Flux.interval(Duration.ofMillis(50))
                .takeUntil(tick -> inFlight.isEmpty() || clock.instant().isAfter(deadline))
                .then(Mono.defer(this::releaseMine))
                .onErrorResume(e -> {
                    log.warn("Could not give back outbox claims at shutdown; their lease will: {}", e.toString());
                    return Mono.empty();
                })
                .doFinally(signal -> {
                    Disposable current = loop;
                    if (current != null) {
                        current.dispose();
                    }
                    callback.run();
                })
                .subscribe();
    }

    private Mono<Void> releaseMine() {
        if (inFlight.isEmpty()) {
            log.info("Outbox dispatcher stopped with no claims left");
            return Mono.empty();
        }
        List<Map.Entry<UUID, UUID>> mine = List.copyOf(inFlight.entrySet());
        return db.sql("update notifications.outbox_queue q set claim_token = null, due_at = now(), "
                        + "attempts = greatest(q.attempts - 1, 0) from unnest(cast(:ids as uuid[]), cast(:tokens as uuid[])) "
                        + "as m(id, token) where q.id = m.id and q.claim_token = m.token")
                .bind("ids", mine.stream().map(Map.Entry::getKey).toArray(UUID[]::new))
                .bind("tokens", mine.stream().map(Map.Entry::getValue).toArray(UUID[]::new))
                .fetch().rowsUpdated()
                .doOnNext(n -> log.info("Gave back {} outbox claims at shutdown", n))
                .then();
    }

    @Override
    public void stop() {
        running = false;
        Disposable current = loop;
        if (current != null) {
            current.dispose();
        }
    }

    /** After {@link #stop}: outcomes still being written have had the grace period to land. */
    @Override
    public void destroy() {
        completions.dispose();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    record Claimed(OutboxEntry entry, UUID token) {}
}

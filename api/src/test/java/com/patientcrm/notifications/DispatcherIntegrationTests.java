package com.patientcrm.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.patientcrm.support.IntegrationTest;
import com.patientcrm.support.RecordingHandler;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.ApplicationContext;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dispatcher against real PostgreSQL: outcomes, back-off, dead letters, deferral, recovery of an instance's
 * expired claims, fencing of live ones, two dispatchers sharing thousands of messages, each handled once, and a
 * graceful stop that gives back what it could not finish.
 */
class DispatcherIntegrationTests extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    Outbox outbox;

    @Autowired
    RecordingHandler handler;

    @Autowired
    ApplicationContext context;

    @Test
    void aHandledMessageIsDoneAfterOneCall() {
        UUID id = enqueue(Map.of("mode", "ok"));

        await().atMost(WAIT).until(() -> "done".equals(row(id).get("status")));
        assertThat(handler.calls(id)).isEqualTo(1);
        // Finished: out of the queue, its one attempt on the outbox row.
        assertThat(row(id)).containsEntry("attempts", 1).containsEntry("queued", false);
    }

    @Test
    void transientFailuresAreRetriedWithBackOffUntilTheySucceed() {
        UUID id = enqueue(Map.of("fail", 2));

        await().atMost(WAIT).until(() -> "done".equals(row(id).get("status")));
        assertThat(handler.calls(id)).isEqualTo(3);
        assertThat(row(id)).containsEntry("attempts", 3).containsEntry("last_error", "IllegalStateException");
    }

    @Test
    void aMessageThatKeepsFailingBecomesADeadLetterAfterTheLastAttempt() {
        UUID id = enqueue(Map.of("fail", 100));

        await().atMost(WAIT).until(() -> "dead".equals(row(id).get("status")));
        assertThat(handler.calls(id)).isEqualTo(6);
        assertThat((String) row(id).get("last_error")).startsWith("gave up after 6 attempts");
    }

    @Test
    void deadAndSkippedOutcomesAreFinalAndKeepTheirReason() {
        UUID dead = enqueue(Map.of("mode", "dead"));
        UUID skipped = enqueue(Map.of("mode", "skip"));

        await().atMost(WAIT).until(() -> "dead".equals(row(dead).get("status")) && "skipped".equals(row(skipped).get("status")));
        assertThat(row(dead)).containsEntry("last_error", "scripted: cannot succeed");
        assertThat(row(skipped)).containsEntry("last_error", "scripted: nothing to do");
        assertThat(handler.calls(dead)).isEqualTo(1);
        assertThat(handler.calls(skipped)).isEqualTo(1);
    }

    @Test
    void aDeferredMessageComesBackLaterWithoutSpendingAnAttempt() {
        UUID id = enqueue(Map.of("mode", "defer"));

        await().atMost(WAIT).until(() -> "done".equals(row(id).get("status")));
        assertThat(handler.calls(id)).isEqualTo(2);
        assertThat(row(id)).containsEntry("attempts", 1);
    }

    @Test
    void aHandlerThatHangsTimesOutAndIsRetried() {
        UUID id = enqueue(Map.of("mode", "hang"));

        await().atMost(WAIT).until(() -> handler.calls(id) >= 2);
        assertThat((String) row(id).get("last_error")).isEqualTo("timed out");
    }

    @Test
    void aDueMessageIsNotHandledBeforeItsTime() {
        UUID id = enqueue(Map.of("mode", "ok"), Instant.now().plusSeconds(3600));

        await().pollDelay(Duration.ofMillis(800)).atMost(WAIT).until(() -> true);
        assertThat(handler.calls(id)).isZero();
        assertThat(row(id)).containsEntry("status", "pending");
    }

    @Test
    void claimsOfAnInstanceThatDiedAreRecoveredWhenTheirLeaseRunsOut() {
        UUID expired = enqueue(Map.of("mode", "ok"), Instant.now().plusSeconds(3600));
        UUID live = enqueue(Map.of("mode", "ok"), Instant.now().plusSeconds(3600));
        // As a crashed instance leaves them: claimed, one lease already over, one still running.
        claimAsAnotherInstance(expired, "now() - interval '1 second'");
        claimAsAnotherInstance(live, "now() + interval '1 hour'");

        await().atMost(WAIT).until(() -> "done".equals(row(expired).get("status")));
        assertThat(handler.calls(expired)).isEqualTo(1);
        assertThat(row(live)).containsEntry("status", "claimed");
        assertThat(handler.calls(live)).isZero();
    }

    @Test
    void aQueueRowWhoseMessageIsNoLongerPendingIsDroppedUnhandled() {
        UUID id = enqueue(Map.of("mode", "ok"), Instant.now().plusSeconds(3600));
        // Withdrawn by hand in the database, its queue row left behind and due.
        db.sql("update notifications.outbox set status = 'cancelled' where id = :id").bind("id", id).then().block();
        db.sql("update notifications.outbox_queue set due_at = now() where id = :id").bind("id", id).then().block();

        await().atMost(WAIT).until(() -> Boolean.FALSE.equals(row(id).get("queued")));
        assertThat(handler.calls(id)).isZero();
        assertThat(row(id)).containsEntry("status", "cancelled");
    }

    @Test
    void aWithdrawalLeavesAMessageBeingSentAndTakesOneWhoseLeaseRanOut() {
        // A topic no dispatcher here handles, so nothing claims these but the test.
        UUID subject = UUID.randomUUID();
        Instant later = Instant.now().plusSeconds(3600);
        UUID waiting = withdrawable(subject, later);
        UUID sending = withdrawable(subject, later);
        UUID abandoned = withdrawable(subject, later);
        claimAsAnotherInstance(sending, "now() + interval '1 hour'");
        claimAsAnotherInstance(abandoned, "now() - interval '1 second'");

        assertThat(outbox.cancelPending(subject, "test.withdraw").block()).isEqualTo(2);

        assertThat(row(waiting)).containsEntry("status", "cancelled").containsEntry("queued", false);
        assertThat(row(abandoned)).containsEntry("status", "cancelled").containsEntry("queued", false);
        // Being sent: left to finish, its claim intact.
        assertThat(row(sending)).containsEntry("status", "claimed").containsEntry("queued", true);
        assertThat(row(sending).get("claim_token")).isNotNull();
    }

    private UUID withdrawable(UUID subject, Instant due) {
        return outbox.enqueueForId(new OutboxMessage("test.withdraw", "test.withdraw:" + UUID.randomUUID(), null, subject,
                Map.of(), due)).block();
    }

    @Test
    void twoDispatchersShareTheWorkAndHandleEachMessageExactlyOnce() {
        Dispatcher second = new Dispatcher(db, context.getBean(JsonMapper.class), context.getBean(DispatcherProperties.class),
                Clock.systemUTC(), List.of(handler), context.getBeanProvider(MeterRegistry.class));
        List<UUID> ids = new ArrayList<>();
        List<OutboxMessage> batch = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            batch.add(message(Map.of("mode", "ok"), Instant.now().plusSeconds(2)));
        }
        for (int from = 0; from < batch.size(); from += 500) {
            outbox.enqueueAll(batch.subList(from, from + 500)).block();
        }
        batch.forEach(m -> ids.add(idOf(m.dedupeKey())));
        second.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> countDone(ids) == ids.size());
        } finally {
            second.stop();
        }
        assertThat(ids).allSatisfy(id -> assertThat(handler.calls(id)).as("calls of %s", id).isEqualTo(1));
        assertThat(db.sql("select max(attempts) as m from notifications.outbox where id = any(:ids)")
                .bind("ids", ids.toArray(UUID[]::new)).map(r -> r.get("m", Integer.class)).one().block()).isEqualTo(1);
    }

    @Test
    void aStoppingDispatcherFinishesWhatItCanAndGivesBackWhatIsStillInFlightAfterItsGrace() throws Exception {
        // Its own topic, which this context's dispatcher does not claim: one message finishes, one never does.
        OutboxHandler local = new OutboxHandler() {
            @Override
            public Set<String> topics() {
                return Set.of("test.shutdown");
            }

            @Override
            public Mono<Outcome> handle(OutboxEntry entry) {
                return "hang".equals(entry.payload().get("mode")) ? Mono.never()
                        : Mono.just(Outcome.done());
            }
        };
        DispatcherProperties defaults = context.getBean(DispatcherProperties.class);
        Duration grace = Duration.ofMillis(500);
        Dispatcher dispatcher = new Dispatcher(db, context.getBean(JsonMapper.class), new DispatcherProperties(true,
                defaults.pollInterval(), defaults.batchSize(), defaults.concurrency(), defaults.lease(),
                defaults.handlerTimeout(), defaults.initialBackoff(), defaults.maxBackoff(), defaults.maxAttempts(), grace,
                defaults.lanes()),
                Clock.systemUTC(), List.of(local), context.getBeanProvider(MeterRegistry.class));
        UUID finished = outbox.enqueueForId(new OutboxMessage("test.shutdown", "test.shutdown:" + UUID.randomUUID(), null,
                UUID.randomUUID(), Map.of("mode", "ok"), Instant.now())).block();
        UUID stuck = outbox.enqueueForId(new OutboxMessage("test.shutdown", "test.shutdown:" + UUID.randomUUID(), null,
                UUID.randomUUID(), Map.of("mode", "hang"), Instant.now())).block();
        dispatcher.start();
        await().atMost(WAIT).until(() -> "done".equals(row(finished).get("status")) && "claimed".equals(row(stuck).get("status")));

        CountDownLatch stopped = new CountDownLatch(1);
        long started = System.nanoTime();
        dispatcher.stop(stopped::countDown);

        assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(grace, grace.plusSeconds(5));
        assertThat(dispatcher.isRunning()).isFalse();
        // Given back at once, with the attempt it did not finish returned: another instance takes it without waiting.
        assertThat(row(stuck)).containsEntry("status", "pending").containsEntry("queued", true)
                .containsEntry("claim_token", null).containsEntry("queue_attempts", 0);
        assertThat((java.time.OffsetDateTime) row(stuck).get("queue_due")).isBefore(java.time.OffsetDateTime.now());
        // It stops alongside the web server's graceful shutdown, so the server refuses new requests meanwhile.
        assertThat(dispatcher.getPhase()).isEqualTo(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE);
    }

    @Test
    void eachLaneHasItsOwnNumberInFlightAndAFullLaneDoesNotHoldUpAnother() {
        // Two handlers of topics this context's dispatcher does not claim: a slow lane allowed 2 at once whose
        // messages never finish, and a quick lane on the default concurrency.
        AtomicInteger slowStarted = new AtomicInteger();
        OutboxHandler slow = laneHandler("test.lane.slow", "slow", entry -> {
            slowStarted.incrementAndGet();
            return Mono.never();
        });
        OutboxHandler quick = laneHandler("test.lane.quick", "quick", entry -> Mono.just(Outcome.done()));
        DispatcherProperties defaults = context.getBean(DispatcherProperties.class);
        Dispatcher dispatcher = new Dispatcher(db, context.getBean(JsonMapper.class), new DispatcherProperties(true,
                defaults.pollInterval(), defaults.batchSize(), defaults.concurrency(), defaults.lease(),
                defaults.handlerTimeout(), defaults.initialBackoff(), defaults.maxBackoff(), defaults.maxAttempts(),
                Duration.ofMillis(200), Map.of("slow", 2)),
                Clock.systemUTC(), List.of(slow, quick), context.getBeanProvider(MeterRegistry.class));
        List<UUID> slowIds = new ArrayList<>();
        List<UUID> quickIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            slowIds.add(enqueueOn("test.lane.slow"));
        }
        for (int i = 0; i < 50; i++) {
            quickIds.add(enqueueOn("test.lane.quick"));
        }
        dispatcher.start();
        try {
            await().atMost(WAIT).until(() -> countDone(quickIds) == quickIds.size());
            assertThat(slowStarted.get()).isEqualTo(2);
            assertThat(db.sql("select count(*) filter (where claim_token is not null) as c, count(*) filter (where claim_token "
                            + "is null) as p from notifications.outbox_queue where id = any(:ids)")
                    .bind("ids", slowIds.toArray(UUID[]::new)).map(r -> List.of(r.get("c", Long.class), r.get("p", Long.class)))
                    .one().block()).containsExactly(2L, 3L);
        } finally {
            CountDownLatch stopped = new CountDownLatch(1);
            dispatcher.stop(stopped::countDown);
            await().atMost(WAIT).until(() -> stopped.getCount() == 0);
        }
    }

    private static OutboxHandler laneHandler(String topic, String lane, java.util.function.Function<OutboxEntry, Mono<Outcome>> body) {
        return new OutboxHandler() {
            @Override
            public Set<String> topics() {
                return Set.of(topic);
            }

            @Override
            public String lane() {
                return lane;
            }

            @Override
            public Mono<Outcome> handle(OutboxEntry entry) {
                return body.apply(entry);
            }
        };
    }

    private UUID enqueueOn(String topic) {
        return outbox.enqueueForId(new OutboxMessage(topic, topic + ":" + UUID.randomUUID(), null, UUID.randomUUID(),
                Map.of(), Instant.now())).block();
    }

    @Test
    void backOffDoublesWithJitterUpToTheCap() {
        Dispatcher dispatcher = new Dispatcher(db, context.getBean(JsonMapper.class),
                context.getBean(DispatcherProperties.class), Clock.systemUTC(), List.of(handler),
                context.getBeanProvider(MeterRegistry.class));
        assertThat(dispatcher.backoff(1)).isBetween(Duration.ofMillis(160), Duration.ofMillis(240));
        assertThat(dispatcher.backoff(2)).isBetween(Duration.ofMillis(320), Duration.ofMillis(480));
        assertThat(dispatcher.backoff(30)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
        assertThat(dispatcher.backoff(500)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
    }

    private final AtomicInteger sequence = new AtomicInteger();

    private OutboxMessage message(Map<String, Object> payload, Instant due) {
        return new OutboxMessage(RecordingHandler.TOPIC, "test.dispatch:" + UUID.randomUUID(), null, UUID.randomUUID(),
                payload, due);
    }

    private UUID enqueue(Map<String, Object> payload) {
        return enqueue(payload, Instant.now());
    }

    private UUID enqueue(Map<String, Object> payload, Instant due) {
        OutboxMessage message = message(payload, due);
        return outbox.enqueueForId(message).block();
    }

    private UUID idOf(String dedupeKey) {
        return db.sql("select id from notifications.outbox where dedupe_key = :k").bind("k", dedupeKey)
                .map(r -> r.get("id", UUID.class)).one().block();
    }

    /** A claim is a token on the message's queue row, due again when the lease ends. */
    private void claimAsAnotherInstance(UUID id, String leaseUntil) {
        db.sql("update notifications.outbox_queue set claim_token = :t, attempts = 1, due_at = " + leaseUntil
                + " where id = :id").bind("t", UUID.randomUUID()).bind("id", id).then().block();
    }

    private long countDone(List<UUID> ids) {
        return db.sql("select count(*) as n from notifications.outbox where id = any(:ids) and status = 'done'")
                .bind("ids", ids.toArray(UUID[]::new)).map(r -> r.get("n", Long.class)).one().block();
    }

    /** The message's outbox row with its queue row, if any: {@code claimed} while a live lease holds it. */
    private Map<String, Object> row(UUID id) {
        return db.sql("select case when q.claim_token is not null and q.due_at > now() then 'claimed' else o.status end "
                        + "as status, o.attempts, o.last_error, q.id is not null as queued, q.claim_token, q.attempts as "
                        + "queue_attempts, q.due_at as queue_due from notifications.outbox o "
                        + "left join notifications.outbox_queue q on q.id = o.id where o.id = :id")
                .bind("id", id).map(r -> {
                    Map<String, Object> m = new HashMap<>();
                    m.put("status", r.get("status", String.class));
                    m.put("attempts", r.get("attempts", Integer.class));
                    m.put("last_error", r.get("last_error", String.class));
                    m.put("queued", r.get("queued", Boolean.class));
                    m.put("claim_token", r.get("claim_token", UUID.class));
                    m.put("queue_attempts", r.get("queue_attempts", Integer.class));
                    m.put("queue_due", r.get("queue_due", java.time.OffsetDateTime.class));
                    return m;
                }).one().block();
    }
}

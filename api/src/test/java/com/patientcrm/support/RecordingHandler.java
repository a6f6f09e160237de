package com.patientcrm.support;

import com.patientcrm.notifications.OutboxEntry;
import com.patientcrm.notifications.OutboxHandler;
import com.patientcrm.notifications.Outcome;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * A handler for the test topic {@code test.dispatch} whose behaviour each message's payload scripts: {@code mode}
 * is ok, dead, skip, defer (once, then ok) or hang; {@code fail} fails that many attempts first. It counts every call
 * per message, so tests can prove exactly-once handling.
 */
public class RecordingHandler implements OutboxHandler {

    public static final String TOPIC = "test.dispatch";

    private final Map<UUID, AtomicInteger> calls = new ConcurrentHashMap<>();

    @Override
    public Set<String> topics() {
        return Set.of(TOPIC);
    }

    @Override
    public Mono<Outcome> handle(OutboxEntry entry) {
        int call = calls.computeIfAbsent(entry.id(), id -> new AtomicInteger()).incrementAndGet();
        Object fail = entry.payload().get("fail");
        if (fail != null && call <= ((Number) fail).intValue()) {
            return Mono.error(new IllegalStateException("scripted failure " + call));
        }
        String mode = String.valueOf(entry.payload().getOrDefault("mode", "ok"));
        return switch (mode) {
            case "dead" -> Mono.just(Outcome.dead("scripted: cannot succeed"));
            case "skip" -> Mono.just(Outcome.skipped("scripted: nothing to do"));
            case "defer" -> Mono.just(call == 1 ? Outcome.defer(Instant.now().plusMillis(300), "scripted: later")
                    : Outcome.done());
            case "hang" -> Mono.never();
            default -> Mono.just(Outcome.done());
        };
    }

    public int calls(UUID messageId) {
        AtomicInteger count = calls.get(messageId);
        return count == null ? 0 : count.get();
    }

    public Map<UUID, AtomicInteger> allCalls() {
        return calls;
    }
}

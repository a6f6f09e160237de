package com.patientcrm.notifications;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Answers single-key calls made at about the same time with one statement: the notifier asks per message (this
 * patient's recipient, this message's inbox row), the database sees one query or one multi-row write per batch.
 * A call waits at most {@code maxWait} for companions, so a lone message is delayed by milliseconds, while hundreds
 * of messages in flight cost a handful of statements instead of a dozen each (a group commit, for reads and writes).
 *
 * <p>Each call's answer is its key's value in the map the batch load answers; a key the map lacks completes empty,
 * or with {@code absent} when one is given. A failed load fails every call of its batch. Loads never run inside the
 * caller's transaction: use a batcher only where the caller has none, or where the load's work may stand apart from
 * it (the audit trail's rows). Public for the api module (the audit trail's rows, the webhook sender's targets);
 * made for loads, not for general use.
 */
public final class Batcher<K, V> implements Disposable {

    private static final Logger log = LoggerFactory.getLogger(Batcher.class);

    private record Call<K, V>(K key, MonoSink<V> sink, long calledAt) {}

    private final String name;
    private final V absent;
    private final Function<List<K>, Mono<Map<K, V>>> load;
    private final FluxSink<Call<K, V>> calls;
    private final Disposable subscription;
    private final DistributionSummary sizes;
    private final Timer waits;
    private final Timer loads;

    Batcher(String name, int maxSize, Duration maxWait, int concurrency, V absent,
            Function<List<K>, Mono<Map<K, V>>> load) {
        this.name = name;
        this.absent = absent;
        this.load = load;
        // Spring Boot adds its registry to the global one: batch sizes and times show per batcher in /actuator/prometheus.
        this.sizes = DistributionSummary.builder("crm.batch.size").tag("batch", name)
                .description("Calls answered by one statement").register(Metrics.globalRegistry);
        this.waits = Timer.builder("crm.batch.wait").tag("batch", name)
                .description("From a call to the start of its batch's statement").register(Metrics.globalRegistry);
        this.loads = Timer.builder("crm.batch.load").tag("batch", name)
                .description("A batch's statement, from start to answer").register(Metrics.globalRegistry);
        AtomicReference<FluxSink<Call<K, V>>> sink = new AtomicReference<>();
        // FluxSink serialises next() from any number of threads; fair back-pressure makes bufferTimeout wait for a
        // free load rather than fail when all of them are busy.
        this.subscription = Flux.<Call<K, V>>create(sink::set, FluxSink.OverflowStrategy.BUFFER)
                .bufferTimeout(maxSize, maxWait, true)
                .flatMap(this::run, concurrency)
                .subscribe(null, e -> log.error("Batcher {} stopped: {}", name, e.toString()));
        this.calls = sink.get();
    }

    /** Up to {@value #SIZE} calls per batch, waiting at most {@value #WAIT_MS} ms, two loads at a time. */
    public static <K, V> Batcher<K, V> of(String name, Function<List<K>, Mono<Map<K, V>>> load) {
        return new Batcher<>(name, SIZE, Duration.ofMillis(WAIT_MS), 2, null, load);
    }

    /** Like {@link #of}, answering {@code absent} for a key the load does not answer. */
    public static <K, V> Batcher<K, V> of(String name, V absent, Function<List<K>, Mono<Map<K, V>>> load) {
        return new Batcher<>(name, SIZE, Duration.ofMillis(WAIT_MS), 2, absent, load);
    }

    static final int SIZE = 256;
    static final int WAIT_MS = 3;

    public Mono<V> get(K key) {
        return Mono.create(sink -> calls.next(new Call<>(key, sink, System.nanoTime())));
    }

    private Mono<Void> run(List<Call<K, V>> batch) {
        Map<K, List<Call<K, V>>> byKey = new LinkedHashMap<>();
        for (Call<K, V> call : batch) {
            byKey.computeIfAbsent(call.key(), k -> new ArrayList<>(1)).add(call);
        }
        long started = System.nanoTime();
        sizes.record(batch.size());
        batch.forEach(call -> waits.record(started - call.calledAt(), TimeUnit.NANOSECONDS));
        return Mono.defer(() -> load.apply(new ArrayList<>(byKey.keySet())))
                .defaultIfEmpty(Map.of())
                .doOnNext(answers -> loads.record(System.nanoTime() - started, TimeUnit.NANOSECONDS))
                .doOnNext(answers -> byKey.forEach((key, waiting) -> {
                    V value = answers.get(key);
                    for (Call<K, V> call : waiting) {
                        if (value != null) {
                            call.sink().success(value);
                        } else if (absent != null) {
                            call.sink().success(absent);
                        } else {
                            call.sink().success();
                        }
                    }
                }))
                .onErrorResume(e -> {
                    log.debug("Batch {} of {} failed: {}", name, byKey.size(), e.toString());
                    batch.forEach(call -> call.sink().error(e));
                    return Mono.empty();
                })
                .then();
    }

    @Override
    public void dispose() {
        calls.complete();
        subscription.dispose();
    }

    @Override
    public boolean isDisposed() {
        return subscription.isDisposed();
    }
}

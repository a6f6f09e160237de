package com.patientcrm.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Calls made together share one load; each still gets its own answer, its absence, or its batch's failure. */
class BatcherTests {

    @Test
    void callsMadeTogetherShareALoadAndEachGetsItsOwnAnswer() {
        List<List<Integer>> loads = new CopyOnWriteArrayList<>();
        Batcher<Integer, String> batcher = new Batcher<>("test", 50, Duration.ofMillis(20), 2, null, keys -> {
            loads.add(keys);
            return Mono.just(keys.stream().filter(k -> k % 10 != 0)
                    .collect(Collectors.toMap(Function.identity(), k -> "v" + k)));
        });
        try {
            // 200 calls from several threads at once, each key asked twice.
            List<String> answers = Flux.range(0, 200)
                    .flatMap(i -> batcher.get(i % 100).subscribeOn(Schedulers.parallel()).defaultIfEmpty("none"), 200)
                    .collectList().block(Duration.ofSeconds(10));

            assertThat(answers).hasSize(200);
            assertThat(answers.stream().filter("none"::equals)).hasSize(20);
            assertThat(answers).contains("v1", "v99").doesNotContain("v0", "v10");
            // Far fewer loads than calls, none above the batch size, and a key asked twice in a batch loaded once.
            assertThat(loads.size()).isLessThan(20);
            assertThat(loads).allSatisfy(keys -> assertThat(keys).hasSizeLessThanOrEqualTo(50).doesNotHaveDuplicates());
        } finally {
            batcher.dispose();
        }
    }

    @Test
    void aKeyTheLoadDoesNotAnswerGetsTheAbsentValue() {
        Batcher<String, Boolean> batcher = Batcher.of("test", Boolean.FALSE, keys -> Mono.just(Map.of("yes", true)));
        try {
            StepVerifier.create(batcher.get("yes")).expectNext(true).verifyComplete();
            StepVerifier.create(batcher.get("no")).expectNext(false).verifyComplete();
        } finally {
            batcher.dispose();
        }
    }

    @Test
    void aFailedLoadFailsItsCallsAndTheNextBatchWorks() {
        boolean[] fail = {true};
        Batcher<String, String> batcher = Batcher.of("test", keys -> fail[0]
                ? Mono.error(new IllegalStateException("database gone")) : Mono.just(Map.of("a", "A")));
        try {
            StepVerifier.create(batcher.get("a")).expectErrorMessage("database gone").verify(Duration.ofSeconds(5));
            fail[0] = false;
            StepVerifier.create(batcher.get("a")).expectNext("A").verifyComplete();
        } finally {
            batcher.dispose();
        }
    }
}

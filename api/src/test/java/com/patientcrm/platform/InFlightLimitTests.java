package com.patientcrm.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

/** The count of requests in flight goes up once per admitted request and down exactly once, however it ends. */
class InFlightLimitTests {

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final InFlightLimit limit = new InFlightLimit(new HttpProperties(2, Duration.ofMillis(1500),
            List.of("/staff/v1/feedback/stream")), "/actuator",
            JsonMapper.builder().build(), new StaticListableBeanFactory(Map.of("meters", meters))
                    .getBeanProvider(MeterRegistry.class));

    @Test
    void aRequestBeyondTheLimitAnswers503OverloadedAtOnceWithoutReachingTheChain() {
        Sinks.Empty<Void> held = Sinks.empty();
        var one = limit.filter(get("/api/v1/me"), chain(held.asMono())).subscribe();
        var two = limit.filter(get("/api/v1/me"), chain(held.asMono())).subscribe();
        assertThat(limit.inFlight()).isEqualTo(2);
        MockServerWebExchange refused = get("/api/v1/me");
        boolean[] reached = {false};
        StepVerifier.create(limit.filter(refused, exchange -> {
            reached[0] = true;
            return Mono.empty();
        })).verifyComplete();

        assertThat(reached[0]).isFalse();
        assertThat(refused.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(refused.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        // 1.5 s rounds up to 2; spread over 2 to 4 s.
        assertThat(Integer.parseInt(refused.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER))).isBetween(2, 4);
        assertThat(refused.getResponse().getBodyAsString().block(Duration.ofSeconds(5)))
                .contains("\"type\":\"urn:patientcrm:problem:overloaded\"", "\"status\":503",
                        "\"instance\":\"/api/v1/me\"");
        assertThat(meters.get("crm.http.shed").counter().count()).isEqualTo(1);
        assertThat(meters.get("crm.http.in.flight").gauge().value()).isEqualTo(2);

        held.tryEmitEmpty();
        assertThat(limit.inFlight()).isZero();
        assertThat(one.isDisposed() && two.isDisposed()).isTrue();
    }

    @Test
    void completionErrorAndCancellationEachReleaseOnce() {
        StepVerifier.create(limit.filter(get("/a"), chain(Mono.empty()))).verifyComplete();
        assertThat(limit.inFlight()).isZero();

        StepVerifier.create(limit.filter(get("/a"), chain(Mono.error(new IllegalStateException("boom")))))
                .verifyError(IllegalStateException.class);
        assertThat(limit.inFlight()).isZero();

        StepVerifier.create(limit.filter(get("/a"), chain(Mono.never())))
                .expectSubscription()
                .then(() -> assertThat(limit.inFlight()).isEqualTo(1))
                .thenCancel().verify(Duration.ofSeconds(5));
        assertThat(limit.inFlight()).isZero();
    }

    @Test
    void aStreamAnsweredToABroadAcceptIsCountedOnlyUntilItsHeadersGoOut() {
        MockServerWebExchange exchange = get("/staff/v1/feedback/stream");
        Sinks.Empty<Void> open = Sinks.empty();
        var stream = limit.filter(exchange, e -> {
            e.getResponse().getHeaders().setContentType(MediaType.TEXT_EVENT_STREAM);
            return e.getResponse().setComplete().then(open.asMono());
        }).subscribe();

        assertThat(limit.inFlight()).isZero();
        open.tryEmitEmpty();
        stream.dispose();
        assertThat(limit.inFlight()).isZero();
    }

    @Test
    void theActuatorAndStreamsAreNeitherCountedNorRefused() {
        Sinks.Empty<Void> held = Sinks.empty();
        var one = limit.filter(get("/api/v1/me"), chain(held.asMono())).subscribe();
        var two = limit.filter(get("/api/v1/me"), chain(held.asMono())).subscribe();

        for (ServerWebExchange exempt : new ServerWebExchange[] {get("/actuator/health/readiness"),
                get("/actuator/prometheus"), get("/actuator"), get("/staff/v1/feedback/stream"),
                MockServerWebExchange.from(MockServerHttpRequest.get("/staff/v1/feedback/stream")
                        .accept(MediaType.TEXT_EVENT_STREAM))}) {
            StepVerifier.create(limit.filter(exempt, chain(Mono.empty()))).verifyComplete();
            assertThat(exempt.getResponse().getStatusCode()).as(exempt.getRequest().getPath().value()).isNull();
        }
        // Look-alikes, and headers that once let any request past: refused like the rest.
        for (ServerWebExchange refused : new ServerWebExchange[] {get("/actuatorx"), get("/staff/v1/feedback/stream/x"),
                MockServerWebExchange.from(MockServerHttpRequest.post("/staff/v1/feedback/stream")),
                MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/slots").accept(MediaType.TEXT_EVENT_STREAM)),
                MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/slots").header(HttpHeaders.UPGRADE, "websocket"))}) {
            StepVerifier.create(limit.filter(refused, chain(Mono.empty()))).verifyComplete();
            assertThat(refused.getResponse().getStatusCode()).as(refused.getRequest().getURI().toString())
                    .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        }
        assertThat(limit.inFlight()).isEqualTo(2);

        one.dispose();
        two.dispose();
        assertThat(limit.inFlight()).isZero();
    }

    @Test
    void refusalsSpreadTheirRetryAfterOverOnceToTwiceTheSetting() {
        Sinks.Empty<Void> held = Sinks.empty();
        var one = limit.filter(get("/a"), chain(held.asMono())).subscribe();
        var two = limit.filter(get("/a"), chain(held.asMono())).subscribe();
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (int i = 0; i < 200; i++) {
            MockServerWebExchange refused = get("/a");
            StepVerifier.create(limit.filter(refused, chain(Mono.empty()))).verifyComplete();
            seen.add(refused.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER));
        }
        assertThat(seen).containsExactly("2", "3", "4");
        one.dispose();
        two.dispose();
    }

    @Test
    void zeroMeansNoLimit() {
        InFlightLimit off = new InFlightLimit(new HttpProperties(0, Duration.ofSeconds(1), List.of()), "/actuator",
                JsonMapper.builder().build(), new StaticListableBeanFactory().getBeanProvider(MeterRegistry.class));
        Sinks.Empty<Void> held = Sinks.empty();
        for (int i = 0; i < 10; i++) {
            off.filter(get("/a"), chain(held.asMono())).subscribe();
        }
        MockServerWebExchange next = get("/a");
        StepVerifier.create(off.filter(next, chain(Mono.empty()))).verifyComplete();
        assertThat(next.getResponse().getStatusCode()).isNull();
    }

    private static MockServerWebExchange get(String path) {
        return MockServerWebExchange.from(MockServerHttpRequest.get(path));
    }

    private static WebFilterChain chain(Mono<Void> outcome) {
        return exchange -> outcome;
    }
}

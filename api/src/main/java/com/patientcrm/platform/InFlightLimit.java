package com.patientcrm.platform;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sheds load beyond what the service can answer in time. Over capacity, every request admitted only queues for CPU
 * and database connections behind the others, until most finish after their client gave up: work spent for nobody.
 * So at most {@code crm.http.max-in-flight} requests are admitted at once (from arrival until their answer is
 * written, they fail, or the client goes away); the next one answers 503 {@code overloaded} with Retry-After at
 * once. It runs before Spring Security, so a refused request costs no token check and no database work.
 *
 * <p>Never counted or refused: the actuator (health probes and metrics must answer when the service is busiest) and a
 * GET of a long-lived stream ({@code crm.http.stream-paths}, the staff ticket stream), which would hold a place for
 * hours. Only those exact paths: a header (an {@code Accept: text/event-stream}, an {@code Upgrade}) on another route
 * does not get a request past the limit. Any other answer that turns out to be a stream is counted only until its
 * headers go out. The Retry-After of a refusal is spread over {@code retry-after} to twice that.
 */
@Component
@Order(InFlightLimit.ORDER)
class InFlightLimit implements WebFilter {

    /** After {@link RequestIds} (a refusal carries its id too), well before Spring Security's chain (-100). */
    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;
    private static final Logger log = LoggerFactory.getLogger(InFlightLimit.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final int limit;
    private final long retryAfter;
    private final Set<String> streams;
    private final String actuator;
    private final JsonMapper json;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter shed;
    private final AtomicLong shedSinceWarning = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    InFlightLimit(HttpProperties properties, @Value("${management.endpoints.web.base-path:/actuator}") String actuator,
                  JsonMapper json, ObjectProvider<MeterRegistry> meters) {
        this.limit = properties.maxInFlight();
        this.retryAfter = properties.retryAfterSeconds();
        this.streams = Set.copyOf(properties.streamPaths());
        this.actuator = actuator;
        this.json = json;
        MeterRegistry registry = meters.getIfAvailable(SimpleMeterRegistry::new);
        Gauge.builder("crm.http.in.flight", inFlight, AtomicInteger::get)
                .description("HTTP requests admitted and not yet answered (streams and the actuator not counted)")
                .register(registry);
        this.shed = Counter.builder("crm.http.shed")
                .description("HTTP requests answered 503 overloaded because crm.http.max-in-flight were in flight")
                .register(registry);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (limit == 0 || exempt(exchange.getRequest())) {
            return chain.filter(exchange);
        }
        if (!admit()) {
            return refuse(exchange);
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
        ServerHttpResponse response = exchange.getResponse();
        response.beforeCommit(() -> {
            if (MediaType.TEXT_EVENT_STREAM.equalsTypeAndSubtype(response.getHeaders().getContentType())) {
                release.run();
            }
            return Mono.empty();
        });
        return chain.filter(exchange).doFinally(signal -> release.run());
    }

    int inFlight() {
        return inFlight.get();
    }

    private boolean admit() {
        for (int n = inFlight.get(); n < limit; n = inFlight.get()) {
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        return false;
    }

    private boolean exempt(ServerHttpRequest request) {
        String path = request.getPath().pathWithinApplication().value();
        if (path.startsWith(actuator) && (path.length() == actuator.length() || path.charAt(actuator.length()) == '/')) {
            return true;
        }
        return HttpMethod.GET.equals(request.getMethod()) && streams.contains(path);
    }

    private Mono<Void> refuse(ServerWebExchange exchange) {
        shed.increment();
        warnNowAndThen();
        String retryAfter = Long.toString(ThreadLocalRandom.current().nextLong(this.retryAfter, 2 * this.retryAfter + 1));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", Problems.TYPE_PREFIX + "overloaded");
        body.put("title", "Service overloaded");
        body.put("status", HttpStatus.SERVICE_UNAVAILABLE.value());
        body.put("detail", "The service is too busy to take this request; try again in " + retryAfter + " s.");
        body.put("instance", exchange.getRequest().getPath().value());
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().set(HttpHeaders.RETRY_AFTER, retryAfter);
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(json.writeValueAsBytes(body))));
    }

    /** One line per ten seconds of shedding at most: a line per refusal would flood the log just when it hurts. */
    private void warnNowAndThen() {
        shedSinceWarning.incrementAndGet();
        long last = lastWarning.get();
        long now = System.nanoTime();
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            log.warn("Overloaded: {} requests refused with 503 since the last warning ({} in flight at most)",
                    shedSinceWarning.getAndSet(0), limit);
        }
    }
}

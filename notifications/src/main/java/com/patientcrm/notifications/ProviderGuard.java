package com.patientcrm.notifications;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.ratelimiter.operator.RateLimiterOperator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * What stands between us and a provider (WeChat, FCM): a rate limiter that keeps to its quota (a call waits up to a
 * second for a permit, without blocking a thread) and a circuit breaker that counts only failures saying the
 * provider is in trouble. The breaker is checked first, so a call it refuses spends no permit. A call either refuses
 * answers {@link SendOutcome#held}: the message waits without spending an attempt. The breaker's moves are logged
 * and measured ({@code notifications_breaker_state{provider,state}} is 1 for the current state,
 * {@code notifications_breaker_transitions_total{provider,to}} counts the moves), so an outage shows.
 */
final class ProviderGuard {

    private static final Logger log = LoggerFactory.getLogger(ProviderGuard.class);
    private static final Duration PERMIT_WAIT = Duration.ofSeconds(1);

    private final String provider;
    private final CircuitBreaker breaker;
    private final RateLimiter limiter;
    private final Duration openFor;
    private final Clock clock;

    ProviderGuard(String provider, int perSecond, NotificationProperties.Breaker settings, Predicate<Throwable> trouble,
                  Clock clock, MeterRegistry meters) {
        this.provider = provider;
        this.breaker = CircuitBreaker.of(provider, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.window())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(settings.openFor())
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                .recordException(trouble)
                .build());
        this.limiter = RateLimiter.of(provider, RateLimiterConfig.custom()
                .limitForPeriod(perSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(PERMIT_WAIT)
                .build());
        this.openFor = settings.openFor();
        this.clock = clock;
        observe(meters);
    }

    private void observe(MeterRegistry meters) {
        for (CircuitBreaker.State state : List.of(CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN,
                CircuitBreaker.State.HALF_OPEN)) {
            Gauge.builder("notifications.breaker.state", breaker, b -> b.getState() == state ? 1 : 0)
                    .tag("provider", provider).tag("state", name(state))
                    .description("1 for the provider's circuit breaker's current state").register(meters);
        }
        breaker.getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.State to = event.getStateTransition().getToState();
            Counter.builder("notifications.breaker.transitions").tag("provider", provider).tag("to", name(to))
                    .description("Moves of the provider's circuit breaker").register(meters).increment();
            if (to == CircuitBreaker.State.OPEN) {
                log.warn("{} circuit breaker opened ({}% of the last calls failed): messages wait {} s without "
                        + "spending an attempt", provider, Math.round(breaker.getMetrics().getFailureRate()),
                        openFor.toSeconds());
            } else {
                log.info("{} circuit breaker {}", provider, name(to).replace('_', ' '));
            }
        });
    }

    private static String name(CircuitBreaker.State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    <T> Mono<T> protect(Mono<T> call) {
        return call.transformDeferred(RateLimiterOperator.of(limiter)).transformDeferred(CircuitBreakerOperator.of(breaker));
    }

    /** The outcome for a call the guard refused, or null when the failure came from the provider. */
    SendOutcome refused(Throwable e) {
        if (e instanceof CallNotPermittedException) {
            return SendOutcome.held(provider + " circuit breaker open", clock.instant().plus(openFor));
        }
        if (e instanceof RequestNotPermitted) {
            return SendOutcome.held(provider + " rate limit reached", clock.instant().plus(PERMIT_WAIT));
        }
        return null;
    }

    CircuitBreaker.State state() {
        return breaker.getState();
    }
}

package com.patientcrm.notifications;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.ratelimiter.operator.RateLimiterOperator;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;

/**
 * What stands between us and a provider (WeChat, FCM): a rate limiter that keeps to its quota (a call waits up to a
 * second for a permit, without blocking a thread) and a circuit breaker that counts only failures saying the
 * provider is in trouble. The breaker is checked first, so a call it refuses spends no permit. A call either refuses
 * answers {@link SendOutcome#held}: the message waits without spending an attempt.
 */
final class ProviderGuard {

    private static final Duration PERMIT_WAIT = Duration.ofSeconds(1);

    private final String provider;
    private final CircuitBreaker breaker;
    private final RateLimiter limiter;
    private final Duration openFor;
    private final Clock clock;

    ProviderGuard(String provider, int perSecond, NotificationProperties.Breaker settings, Predicate<Throwable> trouble,
                  Clock clock) {
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

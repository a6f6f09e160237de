package com.patientcrm.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Bearer tokens that passed full validation, so that the many requests a token makes in its lifetime pay for its
 * parsing and signature check once. The key is the exact token string: any other byte is another key and is
 * validated in full. A SHA-256 of it would save no memory (the cached {@link Jwt} keeps the string anyway) and would
 * cost a digest on every request. Only successes are stored, so garbage cannot crowd out real tokens.
 * <p>
 * A hit counts only while the token would still pass the time checks exactly as {@link JwtTimestampValidator} makes
 * them (exp and nbf, with its default 60 s of clock skew) and the issuer's check of the signing key still holds;
 * otherwise the token is validated afresh, and refused or accepted exactly as without the cache. A token without
 * {@code exp}, which the validators accept, is not kept.
 */
@Component
class VerifiedTokens {

    /** {@link JwtTimestampValidator}'s default clock skew, which {@code JwtValidators.createDefault...} uses. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private final Cache<String, Verified> cache;
    private final Clock clock;
    private final Counter hits;
    private final Counter misses;

    @Autowired
    VerifiedTokens(AuthProperties properties, Clock clock, ObjectProvider<MeterRegistry> meters) {
        this(properties.tokenCacheSize(), clock, meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    VerifiedTokens(int maximumSize, Clock clock, MeterRegistry meters) {
        this.clock = clock;
        this.cache = maximumSize == 0 ? null : Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfter(Expiry.<String, Verified>writing((token, verified) -> verified.usableFor(clock.instant())))
                .build();
        this.hits = Counter.builder("crm.auth.token.cache.hits")
                .description("Bearer tokens answered from the verified-token cache").register(meters);
        this.misses = Counter.builder("crm.auth.token.cache.misses")
                .description("Bearer tokens validated in full (first use, expired from the cache, or invalid)")
                .register(meters);
        if (cache != null) {
            Gauge.builder("crm.auth.token.cache.size", cache, Cache::estimatedSize)
                    .description("Verified tokens held in memory").register(meters);
        }
    }

    /**
     * Answers a still-usable token's cached authentication, else asks the verifier and keeps what it accepts.
     * {@code keyStillTrusted} repeats, on a hit, whatever key check the verifier would make today.
     */
    ReactiveAuthenticationManager inFrontOf(ReactiveAuthenticationManager verifier, Predicate<Jwt> keyStillTrusted) {
        if (cache == null) {
            return verifier;
        }
        return authentication -> {
            if (!(authentication instanceof BearerTokenAuthenticationToken bearer)) {
                return verifier.authenticate(authentication);
            }
            String token = bearer.getToken();
            Verified known = cache.getIfPresent(token);
            if (known != null && known.usableAt(clock.instant()) && keyStillTrusted.test(known.jwt())) {
                hits.increment();
                return Mono.just(known.authentication());
            }
            misses.increment();
            return verifier.authenticate(authentication).doOnNext(accepted -> remember(token, accepted));
        };
    }

    private void remember(String token, Authentication accepted) {
        if (accepted.getPrincipal() instanceof Jwt jwt && jwt.getExpiresAt() != null) {
            cache.put(token, new Verified(accepted, jwt));
        }
    }

    record Verified(Authentication authentication, Jwt jwt) {

        /** The same comparisons as {@link JwtTimestampValidator#validate(Jwt)}, so a hit ends when validation would. */
        boolean usableAt(Instant now) {
            Instant notBefore = jwt.getNotBefore();
            return !now.minus(CLOCK_SKEW).isAfter(jwt.getExpiresAt())
                    && (notBefore == null || !now.plus(CLOCK_SKEW).isBefore(notBefore));
        }

        /** How long the cache should hold it: to the last instant {@link #usableAt} can be true. */
        Duration usableFor(Instant now) {
            Duration left = Duration.between(now, jwt.getExpiresAt().plus(CLOCK_SKEW));
            return left.isNegative() ? Duration.ZERO : left;
        }
    }
}

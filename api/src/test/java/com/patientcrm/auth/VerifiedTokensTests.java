package com.patientcrm.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The cache's time rules against Spring's own {@link JwtTimestampValidator} on the same clock: at every instant
 * around nbf and exp, a cached token is served exactly when the validator would pass it, and otherwise goes back
 * to the verifier (which here stands for full validation and counts its calls).
 */
class VerifiedTokensTests {

    private static final Instant NBF = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant EXP = NBF.plus(Duration.ofMinutes(15));
    private static final Duration NANO = Duration.ofNanos(1);

    private final MutableClock clock = new MutableClock(NBF);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final VerifiedTokens tokens = new VerifiedTokens(100, clock, meters);
    private final AtomicInteger verifications = new AtomicInteger();

    @Test
    void aCachedTokenIsServedExactlyWhileSpringsTimestampValidatorPassesIt() {
        Jwt jwt = jwt("token-a", NBF, EXP);
        JwtTimestampValidator validator = new JwtTimestampValidator();
        validator.setClock(clock);
        ReactiveAuthenticationManager manager = tokens.inFrontOf(accepting(jwt), j -> true);
        List<Instant> instants = List.of(NBF.minusSeconds(60).minus(NANO), NBF.minusSeconds(60), NBF, EXP,
                EXP.plusSeconds(60).minus(NANO), EXP.plusSeconds(60), EXP.plusSeconds(60).plus(NANO));
        for (Instant at : instants) {
            clock.set(NBF);
            authenticate(manager, "token-a");
            clock.set(at);
            int before = verifications.get();
            authenticate(manager, "token-a");
            boolean servedFromCache = verifications.get() == before;
            assertThat(servedFromCache).as("served from cache at %s", at)
                    .isEqualTo(!validator.validate(jwt).hasErrors());
        }
    }

    @Test
    void aRepeatedTokenIsVerifiedOnceAndCounted() {
        ReactiveAuthenticationManager manager = tokens.inFrontOf(accepting(jwt("token-b", NBF, EXP)), j -> true);
        Authentication first = authenticate(manager, "token-b");
        Authentication second = authenticate(manager, "token-b");
        assertThat(second).isSameAs(first);
        assertThat(verifications).hasValue(1);
        assertThat(meters.get("crm.auth.token.cache.hits").counter().count()).isEqualTo(1);
        assertThat(meters.get("crm.auth.token.cache.misses").counter().count()).isEqualTo(1);
    }

    @Test
    void failuresAreNeverCached() {
        ReactiveAuthenticationManager manager = tokens.inFrontOf(authentication -> {
            verifications.incrementAndGet();
            return Mono.error(new InvalidBearerTokenException("bad"));
        }, j -> true);
        for (int i = 0; i < 2; i++) {
            StepVerifier.create(manager.authenticate(new BearerTokenAuthenticationToken("token-c")))
                    .expectError(InvalidBearerTokenException.class).verify(Duration.ofSeconds(5));
        }
        assertThat(verifications).hasValue(2);
    }

    @Test
    void aKeyNoLongerTrustedSendsTheTokenBackToFullValidation() {
        AtomicInteger trusted = new AtomicInteger(1);
        ReactiveAuthenticationManager manager = tokens.inFrontOf(accepting(jwt("token-d", NBF, EXP)),
                j -> trusted.get() == 1);
        authenticate(manager, "token-d");
        trusted.set(0);
        authenticate(manager, "token-d");
        assertThat(verifications).hasValue(2);
    }

    @Test
    void aTokenWithoutExpiryIsNotKept() {
        ReactiveAuthenticationManager manager = tokens.inFrontOf(accepting(jwt("token-e", NBF, null)), j -> true);
        authenticate(manager, "token-e");
        authenticate(manager, "token-e");
        assertThat(verifications).hasValue(2);
    }

    @Test
    void aSizeOfZeroKeepsNothing() {
        VerifiedTokens none = new VerifiedTokens(0, clock, meters);
        ReactiveAuthenticationManager manager = none.inFrontOf(accepting(jwt("token-f", NBF, EXP)), j -> true);
        authenticate(manager, "token-f");
        authenticate(manager, "token-f");
        assertThat(verifications).hasValue(2);
    }

    private ReactiveAuthenticationManager accepting(Jwt jwt) {
        return authentication -> {
            verifications.incrementAndGet();
            return Mono.just(new JwtAuthenticationToken(jwt, List.of(), jwt.getSubject()));
        };
    }

    private static Authentication authenticate(ReactiveAuthenticationManager manager, String token) {
        return manager.authenticate(new BearerTokenAuthenticationToken(token)).block(Duration.ofSeconds(5));
    }

    private static Jwt jwt(String token, Instant nbf, Instant exp) {
        Jwt.Builder builder = Jwt.withTokenValue(token).header("alg", "RS256").subject("someone").notBefore(nbf);
        return (exp == null ? builder : builder.expiresAt(exp)).build();
    }

    private static final class MutableClock extends Clock {

        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant at) {
            now = at;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}

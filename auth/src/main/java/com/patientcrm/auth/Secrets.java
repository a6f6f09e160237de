package com.patientcrm.auth;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Argon2id hashing for staff passwords and client secrets. Deliberately slow and memory-hard, so it runs on
 * boundedElastic, never on an event-loop thread. Unknown users are checked against a dummy hash so that
 * response time does not reveal which usernames exist.
 */
@Component
class Secrets {

    private final Argon2PasswordEncoder encoder = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
    private final String dummyHash = encoder.encode("not-a-real-secret");

    Mono<String> hash(String secret) {
        return Mono.fromCallable(() -> encoder.encode(secret)).subscribeOn(Schedulers.boundedElastic());
    }

    /** True only when a stored hash exists and matches; burns the same time when it does not exist. */
    Mono<Boolean> matches(String secret, String storedHashOrNull) {
        return Mono.fromCallable(() -> {
            boolean ok = encoder.matches(secret, storedHashOrNull == null ? dummyHash : storedHashOrNull);
            return ok && storedHashOrNull != null;
        }).subscribeOn(Schedulers.boundedElastic());
    }
}

package com.patientcrm.auth;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Phone one-time codes: random digits, stored as a keyed hash bound to the challenge, valid for a few minutes,
 * a few tries each, single use. Asking for a new code voids the previous one.
 */
@Component
class OneTimeCodes {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DatabaseClient db;
    private final FieldCrypto crypto;
    private final SmsSender sms;
    private final AuthProperties.Otp settings;
    private final Clock clock;

    OneTimeCodes(DatabaseClient db, FieldCrypto crypto, SmsSender sms, AuthProperties properties, Clock clock) {
        this.db = db;
        this.crypto = crypto;
        this.sms = sms;
        this.settings = properties.otp();
        this.clock = clock;
    }

    /** Creates a challenge and sends its code; the caller has already applied the rate limits. */
    Mono<Void> send(String phone) {
        byte[] phoneHash = crypto.hash(phone);
        UUID id = UUID.randomUUID();
        String code = randomCode();
        return db.sql("update auth.otp_challenges set consumed_at = now() where phone_hash = :phone and consumed_at is null")
                .bind("phone", phoneHash)
                .then()
                .then(db.sql("insert into auth.otp_challenges (id, phone_hash, code_hash, expires_at) "
                                + "values (:id, :phone, :code, :expires)")
                        .bind("id", id)
                        .bind("phone", phoneHash)
                        .bind("code", codeHash(id, code))
                        .bind("expires", clock.instant().plus(settings.ttl()))
                        .then())
                .then(sms.sendOneTimeCode(phone, code));
    }

    /** Completes normally when the code is right; otherwise a 401 or, once the tries are spent, a 429 problem. */
    Mono<Void> verify(String phone, String code) {
        byte[] phoneHash = crypto.hash(phone);
        // Counting the try and reading the challenge is one statement, so parallel guesses cannot exceed the budget.
        return db.sql("update auth.otp_challenges set attempts = attempts + 1 where id = ("
                        + "select id from auth.otp_challenges where phone_hash = :phone and consumed_at is null "
                        + "and expires_at > now() order by created_at desc limit 1) "
                        + "returning id, code_hash, attempts")
                .bind("phone", phoneHash)
                .map(row -> new Attempt(row.get("id", UUID.class), row.get("code_hash", byte[].class),
                        row.get("attempts", Integer.class)))
                .one()
                .switchIfEmpty(Mono.error(() -> AuthProblems.invalidOtp("No valid code for this phone; request a new one.")))
                .flatMap(attempt -> check(attempt, code));
    }

    private Mono<Void> check(Attempt attempt, String code) {
        if (attempt.attempts() > settings.maxAttempts()) {
            return consume(attempt.id()).then(Mono.error(AuthProblems::otpAttemptsExceeded));
        }
        if (!MessageDigest.isEqual(attempt.codeHash(), codeHash(attempt.id(), code))) {
            int left = settings.maxAttempts() - attempt.attempts();
            return left <= 0 ? consume(attempt.id()).then(Mono.error(AuthProblems::otpAttemptsExceeded))
                    : Mono.error(AuthProblems.invalidOtp("The code is not correct; " + left + " tries left."));
        }
        return db.sql("update auth.otp_challenges set consumed_at = now() where id = :id and consumed_at is null")
                .bind("id", attempt.id())
                .fetch().rowsUpdated()
                .flatMap(n -> n == 1 ? Mono.<Void>empty()
                        : Mono.error(AuthProblems.invalidOtp("This code was already used; request a new one.")));
    }

    private Mono<Void> consume(UUID id) {
        return db.sql("update auth.otp_challenges set consumed_at = now() where id = :id").bind("id", id).then();
    }

    private byte[] codeHash(UUID challengeId, String code) {
        return crypto.hash(challengeId + ":" + code);
    }

    private String randomCode() {
        StringBuilder digits = new StringBuilder(settings.length());
        for (int i = 0; i < settings.length(); i++) {
            digits.append(RANDOM.nextInt(10));
        }
        return digits.toString();
    }

    private record Attempt(UUID id, byte[] codeHash, int attempts) {}
}

package com.patientcrm.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Opaque refresh tokens: 256 random bits handed out once, stored only as a SHA-256 hash. Every use rotates the
 * token within its family; presenting an already-rotated token is treated as theft and revokes the family.
 */
@Component
class RefreshTokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final AuthProperties properties;
    private final Clock clock;

    RefreshTokens(DatabaseClient db, TransactionalOperator tx, AuthProperties properties, Clock clock) {
        this.db = db;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    record Subject(String kind, UUID id) {}

    /** The outcome of presenting a refresh token: a new token for the subject, or why not. */
    sealed interface Rotation {
        record Rotated(Subject subject, String newToken) implements Rotation {}
        record Reused() implements Rotation {}
        record Invalid() implements Rotation {}
    }

    Mono<String> issue(Subject subject) {
        return insert(subject, UUID.randomUUID());
    }

    /** Rotates the token; the family revocation on reuse commits even though the caller then answers 401. */
    Mono<Rotation> rotate(String presented) {
        byte[] hash = sha256(presented);
        return db.sql("select id, family_id, subject_kind, subject_id, status, expires_at from auth.refresh_tokens "
                        + "where token_hash = :hash for update")
                .bind("hash", hash)
                .map(row -> new Stored(row.get("id", UUID.class), row.get("family_id", UUID.class),
                        new Subject(row.get("subject_kind", String.class), row.get("subject_id", UUID.class)),
                        row.get("status", String.class), row.get("expires_at", Instant.class)))
                .one()
                .flatMap(this::rotateStored)
                .defaultIfEmpty(new Rotation.Invalid())
                .as(tx::transactional);
    }

    private Mono<Rotation> rotateStored(Stored stored) {
        if (!"active".equals(stored.status())) {
            return revokeFamily(stored.familyId()).thenReturn(new Rotation.Reused());
        }
        if (!stored.expiresAt().isAfter(clock.instant())) {
            return Mono.just(new Rotation.Invalid());
        }
        return db.sql("update auth.refresh_tokens set status = 'rotated', used_at = now() where id = :id")
                .bind("id", stored.id())
                .then()
                .then(insert(stored.subject(), stored.familyId()))
                .map(token -> new Rotation.Rotated(stored.subject(), token));
    }

    Mono<Void> revokeFamilyOf(String presented) {
        return db.sql("update auth.refresh_tokens set status = 'revoked' where family_id = "
                        + "(select family_id from auth.refresh_tokens where token_hash = :hash)")
                .bind("hash", sha256(presented))
                .then();
    }

    Mono<Void> revokeAllFor(Subject subject) {
        return db.sql("update auth.refresh_tokens set status = 'revoked' "
                        + "where subject_kind = :kind and subject_id = :id and status = 'active'")
                .bind("kind", subject.kind())
                .bind("id", subject.id())
                .then();
    }

    private Mono<Void> revokeFamily(UUID familyId) {
        return db.sql("update auth.refresh_tokens set status = 'revoked' where family_id = :family")
                .bind("family", familyId)
                .then();
    }

    private Mono<String> insert(Subject subject, UUID familyId) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        return db.sql("insert into auth.refresh_tokens (id, family_id, subject_kind, subject_id, token_hash, expires_at) "
                        + "values (:id, :family, :kind, :subject, :hash, :expires)")
                .bind("id", UUID.randomUUID())
                .bind("family", familyId)
                .bind("kind", subject.kind())
                .bind("subject", subject.id())
                .bind("hash", sha256(token))
                .bind("expires", clock.instant().plus(properties.refreshTokenTtl()))
                .then()
                .thenReturn(token);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Stored(UUID id, UUID familyId, Subject subject, String status, Instant expiresAt) {}
}

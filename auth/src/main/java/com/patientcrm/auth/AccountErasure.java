package com.patientcrm.auth;

import java.util.Base64;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The auth side of a patient's erasure: the account can never sign in again and nothing here still leads to the
 * person. Its WeChat and phone identities go (so the same phone or WeChat user starts a new, empty account), its
 * refresh tokens are revoked, and one-time codes and rate-limit counters keyed by its phone hash are dropped. The
 * account row stays, marked erased, because appointments and the audit trail name it. Call it inside the erasure's
 * transaction.
 */
@Component
public class AccountErasure {

    private final DatabaseClient db;
    private final RefreshTokens refreshTokens;

    AccountErasure(DatabaseClient db, RefreshTokens refreshTokens) {
        this.db = db;
        this.refreshTokens = refreshTokens;
    }

    public Mono<Void> erase(UUID accountId) {
        return db.sql("delete from auth.phone_identities where account_id = :account returning phone_hash")
                .bind("account", accountId)
                .map(row -> row.get("phone_hash", byte[].class))
                .all()
                .concatMap(this::forgetPhone)
                .then(db.sql("delete from auth.wechat_identities where account_id = :account")
                        .bind("account", accountId).then())
                .then(db.sql("update auth.patient_accounts set status = 'erased' where id = :account")
                        .bind("account", accountId).then())
                .then(refreshTokens.revokeAllFor(new RefreshTokens.Subject("patient", accountId)));
    }

    /** One-time codes and the per-phone counters (their bucket names end with the phone's hash, as text). */
    private Mono<Void> forgetPhone(byte[] phoneHash) {
        String phoneKey = Base64.getUrlEncoder().withoutPadding().encodeToString(phoneHash);
        return db.sql("delete from auth.otp_challenges where phone_hash = :hash").bind("hash", phoneHash).then()
                .then(db.sql("delete from auth.rate_limit_windows where bucket in (:resend, :phone)")
                        .bind("resend", "otp:resend:" + phoneKey).bind("phone", "otp:phone:" + phoneKey).then());
    }
}

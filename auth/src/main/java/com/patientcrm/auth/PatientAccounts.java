package com.patientcrm.auth;

import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Patient accounts and the identities that lead to them: a WeChat (appid, openid) pair and a verified phone.
 * A phone is held by at most one account, so a WeChat user and an app user proving the same phone become one.
 */
@Component
class PatientAccounts {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PatientAccounts.class);

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final FieldCrypto crypto;
    private final PatientAccountEvents events;
    private final RefreshTokens refreshTokens;

    PatientAccounts(DatabaseClient db, TransactionalOperator tx, FieldCrypto crypto, PatientAccountEvents events,
                    RefreshTokens refreshTokens) {
        this.db = db;
        this.tx = tx;
        this.crypto = crypto;
        this.events = events;
        this.refreshTokens = refreshTokens;
    }

    Mono<UUID> signInWithWeChat(String appid, String openid, String unionid) {
        Mono<UUID> existing = db.sql("select account_id from auth.wechat_identities where appid = :appid and openid = :openid")
                .bind("appid", appid)
                .bind("openid", openid)
                .map(row -> row.get("account_id", UUID.class))
                .one();
        return existing.switchIfEmpty(Mono.defer(() -> createWithWeChat(appid, openid, unionid)));
    }

    private Mono<UUID> createWithWeChat(String appid, String openid, String unionid) {
        UUID accountId = UUID.randomUUID();
        // Two first logins racing on one openid: the loser's insert does nothing and it reads the winner's row.
        return createAccount(accountId)
                .then(db.sql("insert into auth.wechat_identities (appid, openid, unionid, account_id) "
                                + "values (:appid, :openid, :unionid, :account) on conflict do nothing")
                        .bind("appid", appid)
                        .bind("openid", openid)
                        .bind("unionid", Parameter.fromOrEmpty(unionid, String.class))
                        .bind("account", accountId)
                        .fetch().rowsUpdated())
                .flatMap(inserted -> inserted == 1 ? events.accountCreated(accountId)
                        .doOnSuccess(done -> log.info("New patient account {} (WeChat sign-in)", accountId))
                        .thenReturn(accountId)
                        : Mono.error(new LostRace()))
                .as(tx::transactional)
                .onErrorResume(LostRace.class, lost -> signInWithWeChat(appid, openid, unionid));
    }

    Mono<UUID> signInWithPhone(String phone) {
        byte[] hash = crypto.hash(phone);
        return findByPhone(hash).switchIfEmpty(Mono.defer(() -> {
            UUID accountId = UUID.randomUUID();
            return createAccount(accountId)
                    .then(insertPhone(hash, accountId))
                    .then(events.accountCreated(accountId))
                    .then(events.phoneVerified(accountId, phone))
                    .thenReturn(accountId)
                    .as(tx::transactional)
                    .doOnNext(id -> log.info("New patient account {} (phone sign-in)", id))
                    .onErrorResume(org.springframework.dao.DataIntegrityViolationException.class,
                            lost -> findByPhone(hash));
        }));
    }

    /**
     * Binds a phone proved through WeChat to the account. If another account already holds that phone, this
     * account is merged into it and the surviving account's id is returned: the caller must re-issue tokens.
     */
    Mono<UUID> bindVerifiedPhone(UUID accountId, String phone) {
        byte[] hash = crypto.hash(phone);
        return findByPhone(hash)
                .flatMap(holder -> holder.equals(accountId) ? events.phoneVerified(accountId, phone).thenReturn(accountId)
                        : merge(accountId, holder))
                .switchIfEmpty(Mono.defer(() -> db.sql("delete from auth.phone_identities where account_id = :account")
                        .bind("account", accountId).then()
                        .then(insertPhone(hash, accountId))
                        .then(events.phoneVerified(accountId, phone))
                        .thenReturn(accountId)))
                .as(tx::transactional);
    }

    Mono<Boolean> isActive(UUID accountId) {
        return db.sql("select status from auth.patient_accounts where id = :id")
                .bind("id", accountId)
                .map(row -> "active".equals(row.get("status", String.class)))
                .one()
                .defaultIfEmpty(false);
    }

    private Mono<UUID> merge(UUID from, UUID into) {
        return db.sql("update auth.wechat_identities set account_id = :into where account_id = :from")
                .bind("into", into).bind("from", from).then()
                .then(db.sql("delete from auth.phone_identities where account_id = :from").bind("from", from).then())
                .then(db.sql("update auth.patient_accounts set status = 'merged', merged_into = :into where id = :from")
                        .bind("into", into).bind("from", from).then())
                .then(refreshTokens.revokeAllFor(new RefreshTokens.Subject("patient", from)))
                .then(events.accountsMerged(from, into))
                .doOnSuccess(done -> log.info("Patient account {} merged into {} (same verified phone)", from, into))
                .thenReturn(into);
    }

    private Mono<UUID> findByPhone(byte[] hash) {
        return db.sql("select account_id from auth.phone_identities where phone_hash = :hash")
                .bind("hash", hash)
                .map(row -> row.get("account_id", UUID.class))
                .one();
    }

    private Mono<Void> createAccount(UUID accountId) {
        return db.sql("insert into auth.patient_accounts (id) values (:id)").bind("id", accountId).then();
    }

    private Mono<Void> insertPhone(byte[] hash, UUID accountId) {
        return db.sql("insert into auth.phone_identities (phone_hash, account_id) values (:hash, :account)")
                .bind("hash", hash)
                .bind("account", accountId)
                .then();
    }

    /** Another request created the same identity first; its transaction won and ours rolled back. */
    private static final class LostRace extends RuntimeException {
        LostRace() {
            super(null, null, false, false);
        }
    }
}

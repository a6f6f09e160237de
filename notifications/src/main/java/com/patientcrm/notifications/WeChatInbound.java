package com.patientcrm.notifications;

import cn.binarywang.wx.miniapp.bean.WxMaMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * WeChat's message push: the URL check and the messages patients send the hospital in the mini-program's
 * customer-service chat. Each authentic message becomes one outbox message of topic {@link InboundMessage#TOPIC}
 * (see there for how the feedback CRM consumes it). The signature is the authentication: a request not signed with
 * our Token, or signed more than 5 minutes from now, stores nothing.
 */
@Component
public class WeChatInbound {

    /** How far a push's timestamp may be from our clock: WeChat's own retries come within seconds. */
    static final Duration MAX_SKEW = Duration.ofMinutes(5);
    private static final Logger log = LoggerFactory.getLogger(WeChatInbound.class);

    private final String appid;
    /** Null when no Token is configured: every push is then refused as unavailable. */
    private final WeChatPushCodec codec;
    private final WeChatUsers users;
    private final Outbox outbox;
    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Clock clock;

    WeChatInbound(NotificationProperties properties, WeChatUsers users, Outbox outbox, DatabaseClient db,
                  TransactionalOperator tx, Clock clock) {
        NotificationProperties.WeChat settings = properties.wechat();
        this.appid = settings.appid();
        this.codec = settings.receivesMessages() ? new WeChatPushCodec(settings) : null;
        this.users = users;
        this.outbox = outbox;
        this.db = db;
        this.tx = tx;
        this.clock = clock;
        if (codec == null) {
            log.warn("WeChat message push is not configured (WECHAT_MESSAGE_TOKEN): /wechat/v1/messages answers 503");
        }
    }

    /** The query WeChat signs every push with; {@code encryptType} and {@code msgSignature} only in safe mode. */
    public record Push(String signature, String timestamp, String nonce, String encryptType, String msgSignature) {

        boolean encrypted() {
            return "aes".equalsIgnoreCase(encryptType);
        }
    }

    /**
     * WeChat's check of the push URL: answers the echo string if the request is signed with our Token. (A replayed
     * check only echoes a string back, so its timestamp is not held to the 5 minutes.)
     */
    public Mono<String> verifyUrl(Push push, String echostr) {
        return Mono.fromCallable(() -> {
            authenticate(push);
            return echostr;
        });
    }

    /**
     * Stores the pushed message once, whoever retries it, and completes when it is committed. The body is read only
     * once the request is known to come from WeChat.
     */
    public Mono<Void> receive(Push push, Mono<String> body) {
        return Mono.fromRunnable(() -> {
                    authenticate(push);
                    requireFresh(push.timestamp());
                })
                .then(body.defaultIfEmpty(""))
                .publishOn(Schedulers.boundedElastic())
                .map(text -> read(push, text))
                .flatMap(message -> store(push, message));
    }

    private void authenticate(Push push) {
        if (codec == null) {
            throw new Rejected(Rejected.Reason.UNAVAILABLE);
        }
        if (!codec.signed(push.signature(), push.timestamp(), push.nonce())) {
            throw new Rejected(Rejected.Reason.FORGED);
        }
    }

    private void requireFresh(String timestamp) {
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw new Rejected(Rejected.Reason.STALE);
        }
        if (Math.abs(clock.instant().getEpochSecond() - seconds) > MAX_SKEW.toSeconds()) {
            throw new Rejected(Rejected.Reason.STALE);
        }
    }

    private WxMaMessage read(Push push, String body) {
        if (!push.encrypted()) {
            return codec.plain(body);
        }
        if (!codec.decrypts()) {
            log.warn("A safe-mode WeChat push arrived, but no EncodingAESKey is configured (WECHAT_MESSAGE_AES_KEY)");
            throw new Rejected(Rejected.Reason.UNAVAILABLE);
        }
        return codec.encrypted(body, push.timestamp(), push.nonce(), push.msgSignature());
    }

    private Mono<Void> store(Push push, WxMaMessage message) {
        if (message.getFromUser() == null || message.getMsgType() == null || message.getCreateTime() == null) {
            return Mono.error(new Rejected(Rejected.Reason.MALFORMED));
        }
        String dedupeKey = WeChatPushCodec.dedupeKey(message);
        Mono<UUID> patient = appid == null ? Mono.empty() : users.patientFor(appid, message.getFromUser());
        // The signature's binding and the message commit together: a push that failed here can be retried by WeChat.
        return bind(push.signature(), dedupeKey)
                .then(patient.map(Optional::of).defaultIfEmpty(Optional.empty()))
                .flatMap(known -> outbox.enqueue(new OutboxMessage(InboundMessage.TOPIC, dedupeKey,
                        known.orElse(null), null, WeChatPushCodec.inbound(message, known.isPresent()).payload(),
                        clock.instant())))
                .as(tx::transactional)
                .doOnSuccess(done -> log.debug("Stored a WeChat push ({})", message.getMsgType()));
    }

    /**
     * A signature may carry only the message it first carried (WeChat's own retry of it is fine): in plain mode the
     * signature does not cover the body, so a captured URL must not be able to deliver another one.
     */
    private Mono<Void> bind(String signature, String dedupeKey) {
        return db.sql("insert into notifications.wechat_push_signatures (signature, dedupe_key) values (:signature, :key) "
                        + "on conflict (signature) do update set seen_at = notifications.wechat_push_signatures.seen_at "
                        + "returning dedupe_key")
                .bind("signature", signature).bind("key", dedupeKey)
                .map(row -> row.get("dedupe_key", String.class)).one()
                .flatMap(bound -> bound.equals(dedupeKey) ? Mono.<Void>empty()
                        : Mono.error(new Rejected(Rejected.Reason.FORGED)));
    }

    /** Signatures older than the accepted window cannot come back (their timestamp is refused): forget them. */
    @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT1M")
    void forgetOldSignatures() {
        if (db == null) {
            return;
        }
        db.sql("delete from notifications.wechat_push_signatures where seen_at < now() - interval '10 minutes'")
                .fetch().rowsUpdated()
                .subscribe(n -> { }, e -> log.warn("Could not forget old WeChat push signatures ({})",
                        e.getClass().getSimpleName()));
    }

    /**
     * Why a push was refused. The message names only the reason: nothing from the request, which may hold an openid
     * or what the patient wrote.
     */
    public static final class Rejected extends RuntimeException {

        public enum Reason {
            /** No Token (or, for a safe-mode push, no EncodingAESKey) is configured. */
            UNAVAILABLE,
            /** The signature (or safe mode's {@code msg_signature}) is not ours. */
            FORGED,
            /** Signed, but the timestamp is not a number within 5 minutes of our clock. */
            STALE,
            /** Signed, but the body is not a WeChat message in the configured format. */
            MALFORMED
        }

        private final Reason reason;

        Rejected(Reason reason) {
            super(reason.name(), null, false, false);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }
}

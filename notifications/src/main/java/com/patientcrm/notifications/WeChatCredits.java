package com.patientcrm.notifications;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * WeChat subscribe-message credits. A mini-program may send a subscribe message only after the user accepted that
 * template in {@code wx.requestSubscribeMessage}, and each acceptance allows one message. The mini-program reports
 * what the dialog returned; every {@code accept} becomes one credit, and a send takes the oldest. At most
 * {@value #MAX_UNUSED} unused credits are kept per template (more would never be used, and would only invite abuse).
 */
@Component
public class WeChatCredits implements DisposableBean {

    static final int MAX_UNUSED = 50;

    private final DatabaseClient db;
    private final Batcher<Held, Long> held;

    WeChatCredits(DatabaseClient db) {
        this.db = db;
        this.held = Batcher.of("wechat.held", this::loadHeld);
    }

    /** Records the dialog's answers (template id to {@code accept}, {@code reject}, {@code ban}, {@code filter}). */
    public Mono<Long> record(UUID recipientId, Map<String, String> results) {
        return Flux.fromIterable(results.entrySet())
                .filter(result -> "accept".equals(result.getValue()))
                .concatMap(accepted -> db.sql("insert into notifications.wechat_credits (recipient_id, template_id) "
                                + "select :recipient, :template where (select count(*) from notifications.wechat_credits "
                                + "where recipient_id = :recipient and template_id = :template and used_at is null) < :max")
                        .bind("recipient", recipientId).bind("template", accepted.getKey()).bind("max", MAX_UNUSED)
                        .fetch().rowsUpdated())
                .reduce(0L, Long::sum);
    }

    /** Unused credits per template. */
    public Mono<Map<String, Long>> balance(UUID recipientId) {
        return db.sql("select template_id, count(*) as n from notifications.wechat_credits where recipient_id = :recipient "
                        + "and used_at is null group by template_id order by template_id")
                .bind("recipient", recipientId)
                .map(row -> Map.entry(row.get("template_id", String.class), row.get("n", Long.class)))
                .all().collectMap(Map.Entry::getKey, Map.Entry::getValue, java.util.TreeMap::new);
    }

    Mono<Boolean> has(UUID recipientId, String templateId) {
        return db.sql("select exists (select 1 from notifications.wechat_credits where recipient_id = :recipient "
                        + "and template_id = :template and used_at is null) as has")
                .bind("recipient", recipientId).bind("template", templateId)
                .map(row -> row.get("has", Boolean.class)).one();
    }

    /** Takes the oldest unused credit for this message; answers its id, or empty when there is none. */
    Mono<Long> take(UUID recipientId, String templateId, UUID outboxId) {
        return db.sql("update notifications.wechat_credits set used_at = now(), used_by = :outbox where id = "
                        + "(select id from notifications.wechat_credits where recipient_id = :recipient and "
                        + "template_id = :template and used_at is null order by id limit 1 for update skip locked) "
                        + "returning id")
                .bind("outbox", outboxId).bind("recipient", recipientId).bind("template", templateId)
                .map(row -> row.get("id", Long.class)).one();
    }

    /**
     * The credit this message took in an attempt that ended without a recorded outcome (the instance died between
     * taking it and recording the send): the send may or may not have reached WeChat. Empty otherwise.
     */
    Mono<Long> heldWithoutOutcome(UUID recipientId, String templateId, UUID outboxId) {
        return held.get(new Held(recipientId, templateId, outboxId));
    }

    private record Held(UUID recipientId, String templateId, UUID outboxId) {}

    /** One look for every message asking meanwhile. */
    private Mono<Map<Held, Long>> loadHeld(List<Held> asked) {
        return db.sql("select c.id, c.recipient_id, c.template_id, c.used_by from notifications.wechat_credits c "
                        + "where c.used_by = any(cast(:outbox as uuid[])) and not exists (select 1 from "
                        + "notifications.deliveries d where d.outbox_id = c.used_by and d.channel = 'wechat' "
                        + "and d.attempted_at >= c.used_at) order by c.id")
                .bind("outbox", asked.stream().map(Held::outboxId).distinct().toArray(UUID[]::new))
                .map(row -> Map.entry(new Held(row.get("recipient_id", UUID.class), row.get("template_id", String.class),
                        row.get("used_by", UUID.class)), row.get("id", Long.class)))
                .all()
                .collect(HashMap<Held, Long>::new, (map, e) -> map.putIfAbsent(e.getKey(), e.getValue()))
                .<Map<Held, Long>>map(map -> map);
    }

    @Override
    public void destroy() {
        held.dispose();
    }

    /** The send failed before WeChat used the credit (a timeout, a 5xx): it may be used again. */
    Mono<Void> giveBack(long creditId) {
        return db.sql("update notifications.wechat_credits set used_at = null, used_by = null where id = :id")
                .bind("id", creditId).then();
    }
}

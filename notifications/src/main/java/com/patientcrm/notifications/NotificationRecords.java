package com.patientcrm.notifications;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the notifications module holds about patients, for their data rights: the export's inbox and devices (never
 * the tokens), and the erasure of inbox, devices, WeChat credits and preferences, with every pending message to them
 * withdrawn and the text of what they wrote over WeChat dropped. Delivery records stay: they name a message id and a
 * channel, nothing about the person.
 */
@Component
public class NotificationRecords {

    private final DatabaseClient db;
    private final Outbox outbox;
    private final JsonMapper json;

    NotificationRecords(DatabaseClient db, Outbox outbox, JsonMapper json) {
        this.db = db;
        this.outbox = outbox;
        this.json = json;
    }

    /** The inbox items about or for these patients, and their devices. */
    public Mono<Map<String, Object>> export(Collection<UUID> patientIds) {
        UUID[] ids = patientIds.toArray(UUID[]::new);
        return Mono.zip(rows("select coalesce(jsonb_agg(to_jsonb(i) - 'outbox_id' order by i.created_at), '[]') from "
                                + "notifications.inbox i where i.patient_id = any(cast(:ids as uuid[])) "
                                + "or i.recipient_id = any(cast(:ids as uuid[]))", ids),
                        rows("select coalesce(jsonb_agg(to_jsonb(d) - 'token' order by d.created_at), '[]') from "
                                + "notifications.devices d where d.recipient_id = any(cast(:ids as uuid[]))", ids))
                .map(both -> {
                    Map<String, Object> export = new LinkedHashMap<>();
                    export.put("inbox", both.getT1());
                    export.put("devices", both.getT2());
                    return export;
                });
    }

    /**
     * Erasure, inside its transaction: pending messages to these patients are withdrawn; their inbox, devices, WeChat
     * credits and preferences are deleted; their inbound WeChat messages lose text and media id. Answers how many
     * messages were withdrawn and devices removed.
     */
    public Mono<Map<String, Long>> erase(Collection<UUID> patientIds) {
        UUID[] ids = patientIds.toArray(UUID[]::new);
        Map<String, Long> counts = new LinkedHashMap<>();
        return outbox.withdrawAllFor(patientIds)
                .doOnNext(n -> counts.put("notificationsWithdrawn", n))
                .then(delete("delete from notifications.devices where recipient_id = any(cast(:ids as uuid[]))", ids))
                .doOnNext(n -> counts.put("devicesRemoved", n))
                .then(delete("delete from notifications.inbox where patient_id = any(cast(:ids as uuid[])) "
                        + "or recipient_id = any(cast(:ids as uuid[]))", ids))
                .then(delete("delete from notifications.wechat_credits where recipient_id = any(cast(:ids as uuid[]))", ids))
                .then(delete("delete from notifications.contact_preferences where patient_id = any(cast(:ids as uuid[]))", ids))
                // What they wrote in the WeChat chat is theirs, not an id: kept messages keep only type and times.
                .then(db.sql("update notifications.outbox set payload = payload || '{\"content\": null, \"mediaId\": null}', "
                                + "updated_at = now() where topic = :topic and patient_id = any(cast(:ids as uuid[]))")
                        .bind("topic", InboundMessage.TOPIC).bind("ids", ids).then())
                .then(Mono.fromSupplier(() -> counts));
    }

    private Mono<Long> delete(String sql, UUID[] ids) {
        return db.sql(sql).bind("ids", ids).fetch().rowsUpdated();
    }

    private Mono<Object> rows(String sql, UUID[] ids) {
        return db.sql("select (" + sql + ")::text as doc").bind("ids", ids)
                .map(row -> (Object) json.readTree(row.get("doc", String.class))).one();
    }
}

package com.patientcrm.privacy;

import com.patientcrm.notifications.NotificationProperties;
import com.patientcrm.notifications.Recipient;
import com.patientcrm.notifications.Recipients;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Who receives a patient's messages: the account holder who acts for them (the patient themself, or the owner of
 * the family link), and that account's WeChat openid for the configured mini-program. An erased patient has no
 * holder, so nobody does.
 */
@Component
class ContactDirectory implements Recipients {

    private final DatabaseClient db;
    private final String appid;

    ContactDirectory(DatabaseClient db, NotificationProperties properties) {
        this.db = db;
        this.appid = properties.wechat().appid() == null ? "" : properties.wechat().appid();
    }

    @Override
    public Mono<Recipient> of(UUID patientId) {
        return db.sql("select h.holder, (select w.openid from auth.wechat_identities w join app.patients p "
                        + "on p.account_id = w.account_id where p.id = h.holder and w.appid = :appid "
                        + "order by w.created_at desc limit 1) as openid from (select " + ConsentLedger.ACTING_HOLDER
                        + " as holder) h where h.holder is not null")
                .bind("owner", patientId).bind("appid", appid)
                .map(row -> new Recipient(row.get("holder", UUID.class), row.get("openid", String.class)))
                .one();
    }

    /** Everyone's recipient in one statement: the acting holder per patient, and the holder's openid. */
    @Override
    public Mono<Map<UUID, Recipient>> ofAll(Collection<UUID> patientIds) {
        return db.sql("select ask.id as patient, h.holder, (select w.openid from auth.wechat_identities w "
                        + "join app.patients p on p.account_id = w.account_id where p.id = h.holder and w.appid = :appid "
                        + "order by w.created_at desc limit 1) as openid from unnest(cast(:ids as uuid[])) as ask(id) "
                        + "cross join lateral (select " + ConsentLedger.ACTING_HOLDER.replace(":owner", "ask.id")
                        + " as holder) h where h.holder is not null")
                .bind("ids", patientIds.stream().distinct().toArray(UUID[]::new)).bind("appid", appid)
                .map(row -> Map.entry(row.get("patient", UUID.class),
                        new Recipient(row.get("holder", UUID.class), row.get("openid", String.class))))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }
}

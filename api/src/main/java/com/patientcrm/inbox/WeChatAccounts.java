package com.patientcrm.inbox;

import com.patientcrm.notifications.WeChatUsers;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The patient behind a WeChat user: the own record of the account that signed in with that openid. A merge moves
 * the identity to the surviving account and an erasure deletes it, so a plain join finds the right one or none.
 */
@Component
class WeChatAccounts implements WeChatUsers {

    private final DatabaseClient db;

    WeChatAccounts(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<UUID> patientFor(String appid, String openid) {
        return db.sql("select p.id from auth.wechat_identities w join app.patients p on p.account_id = w.account_id "
                        + "where w.appid = :appid and w.openid = :openid")
                .bind("appid", appid)
                .bind("openid", openid)
                .map(row -> row.get("id", UUID.class))
                .one();
    }
}

package com.patientcrm.patients;

import com.patientcrm.auth.FieldCrypto;
import com.patientcrm.auth.PatientAccountEvents;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Keeps patients in step with accounts, inside the auth module's transaction: a new account gets its own
 * patient record; a verified phone is stored on it; merging two accounts keeps the survivor's record, fills its
 * blanks from the other and moves the other's family links over.
 */
@Component
class AccountLinks implements PatientAccountEvents {

    private final DatabaseClient db;
    private final FieldCrypto crypto;

    AccountLinks(DatabaseClient db, FieldCrypto crypto) {
        this.db = db;
        this.crypto = crypto;
    }

    @Override
    public Mono<Void> accountCreated(UUID accountId) {
        return db.sql("insert into app.patients (id, account_id) values (:id, :account) on conflict (account_id) do nothing")
                .bind("id", UUID.randomUUID())
                .bind("account", accountId)
                .then();
    }

    @Override
    public Mono<Void> phoneVerified(UUID accountId, String phone) {
        return db.sql("update app.patients set phone_enc = :enc, phone_hash = :hash, updated_at = now() "
                        + "where account_id = :account")
                .bind("enc", crypto.encrypt(phone))
                .bind("hash", crypto.hash(phone))
                .bind("account", accountId)
                .then();
    }

    @Override
    public Mono<Void> accountsMerged(UUID from, UUID into) {
        String self = "(select id from app.patients where account_id = :%s)";
        return db.sql("update app.family_links set owner_patient_id = " + self.formatted("into")
                        + " where owner_patient_id = " + self.formatted("from") + " and member_id not in "
                        + "(select member_id from app.family_links where owner_patient_id = " + self.formatted("into") + ")")
                .bind("from", from).bind("into", into).then()
                .then(db.sql("update app.patients t set name = coalesce(t.name, f.name), gender = coalesce(t.gender, f.gender), "
                                + "birth_date = coalesce(t.birth_date, f.birth_date), "
                                + "national_id_enc = coalesce(t.national_id_enc, f.national_id_enc), "
                                + "national_id_hash = coalesce(t.national_id_hash, f.national_id_hash), "
                                + "address = coalesce(t.address, f.address), "
                                + "emergency_contact_name = coalesce(t.emergency_contact_name, f.emergency_contact_name), "
                                + "emergency_contact_phone_enc = coalesce(t.emergency_contact_phone_enc, f.emergency_contact_phone_enc), "
                                + "emergency_contact_relation = coalesce(t.emergency_contact_relation, f.emergency_contact_relation), "
                                + "updated_at = now() from app.patients f where t.account_id = :into and f.account_id = :from")
                        .bind("from", from).bind("into", into).then())
                .then(db.sql("delete from app.patients where account_id = :from").bind("from", from).then());
    }
}

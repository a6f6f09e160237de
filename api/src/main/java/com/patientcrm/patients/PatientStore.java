package com.patientcrm.patients;

import com.patientcrm.auth.FieldCrypto;
import io.r2dbc.spi.Readable;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** SQL for patients and family links. Decrypts on the way out; callers pass already-encrypted column values. */
@Component
class PatientStore {

    private static final String COLUMNS = "p.id, p.name, p.gender, p.birth_date, p.phone_enc, p.national_id_enc, "
            + "p.address, p.emergency_contact_name, p.emergency_contact_phone_enc, p.emergency_contact_relation";

    private final DatabaseClient db;
    private final FieldCrypto crypto;

    PatientStore(DatabaseClient db, FieldCrypto crypto) {
        this.db = db;
        this.crypto = crypto;
    }

    record Row(UUID id, String name, String gender, LocalDate birthDate, String phone, String nationalId,
               String address, String contactName, String contactPhone, String contactRelation) {}

    record MemberRow(Row patient, String relationship) {}

    Mono<Row> findSelf(UUID accountId) {
        return db.sql("select " + COLUMNS + " from app.patients p where p.account_id = :account")
                .bind("account", accountId)
                .map(this::row)
                .one();
    }

    /** Any patient record by id (an account holder's or a family member's), decrypted. */
    Mono<Row> find(UUID patientId) {
        return db.sql("select " + COLUMNS + " from app.patients p where p.id = :id")
                .bind("id", patientId)
                .map(this::row)
                .one();
    }

    Mono<UUID> selfId(UUID accountId) {
        return db.sql("select id from app.patients where account_id = :account")
                .bind("account", accountId)
                .map(r -> r.get("id", UUID.class))
                .one();
    }

    /** The account's own patient and its national ID hash (empty bytes when none is on file). */
    Mono<Map.Entry<UUID, byte[]>> selfWithNationalIdHash(UUID accountId) {
        return db.sql("select id, coalesce(national_id_hash, ''::bytea) as hash from app.patients where account_id = :account")
                .bind("account", accountId)
                .map(r -> Map.entry(r.get("id", UUID.class), r.get("hash", byte[].class)))
                .one();
    }

    Mono<byte[]> nationalIdHashIfActsFor(UUID accountId, UUID patientId) {
        return db.sql("select coalesce(p.national_id_hash, ''::bytea) as hash from app.patients p where p.id = :patient "
                        + "and (p.account_id = :account or exists (select 1 from app.family_links l "
                        + "join app.patients o on o.id = l.owner_patient_id where o.account_id = :account and l.member_id = p.id))")
                .bind("patient", patientId)
                .bind("account", accountId)
                .map(r -> r.get("hash", byte[].class))
                .one();
    }

    /**
     * The account's own patient first, then its family members by when they were linked: ids only, in one query (the
     * access check of most patient requests).
     */
    Flux<UUID> actsFor(UUID accountId) {
        return db.sql("select id from (select s.id, 0 as k, null::timestamptz as linked_at from app.patients s "
                        + "where s.account_id = :account union all select l.member_id, 1, l.created_at "
                        + "from app.patients s join app.family_links l on l.owner_patient_id = s.id "
                        + "where s.account_id = :account) ids order by k, linked_at")
                .bind("account", accountId)
                .map(r -> r.get("id", UUID.class))
                .all();
    }

    Flux<MemberRow> members(UUID ownerId) {
        return db.sql("select " + COLUMNS + ", l.relationship from app.family_links l "
                        + "join app.patients p on p.id = l.member_id where l.owner_patient_id = :owner order by l.created_at")
                .bind("owner", ownerId)
                .map(r -> new MemberRow(row(r), r.get("relationship", String.class)))
                .all();
    }

    Mono<MemberRow> member(UUID ownerId, UUID memberId) {
        return db.sql("select " + COLUMNS + ", l.relationship from app.family_links l "
                        + "join app.patients p on p.id = l.member_id where l.owner_patient_id = :owner and l.member_id = :member")
                .bind("owner", ownerId)
                .bind("member", memberId)
                .map(r -> new MemberRow(row(r), r.get("relationship", String.class)))
                .one();
    }

    Mono<Long> memberCount(UUID ownerId) {
        return db.sql("select count(*) as n from app.family_links where owner_patient_id = :owner")
                .bind("owner", ownerId)
                .map(r -> r.get("n", Long.class))
                .one();
    }

    /** Whether this national ID already belongs to the owner or a family member, other than {@code exceptPerson}. */
    Mono<Boolean> nationalIdTaken(UUID ownerId, byte[] hash, UUID exceptMember) {
        return db.sql("select exists (select 1 from app.patients p where p.national_id_hash = :hash and p.id <> :except "
                        + "and (p.id = :owner or p.id in (select member_id from app.family_links where owner_patient_id = :owner))) "
                        + "as taken")
                .bind("hash", hash)
                .bind("owner", ownerId)
                .bind("except", exceptMember == null ? new UUID(0, 0) : exceptMember)
                .map(r -> r.get("taken", Boolean.class))
                .one();
    }

    Mono<Void> update(UUID patientId, Map<String, Parameter> columns) {
        if (columns.isEmpty()) {
            return Mono.empty();
        }
        String assignments = columns.keySet().stream().map(c -> c + " = :" + c).collect(Collectors.joining(", "));
        DatabaseClient.GenericExecuteSpec spec = db.sql("update app.patients set " + assignments
                + ", updated_at = now() where id = :id").bind("id", patientId);
        for (Map.Entry<String, Parameter> column : columns.entrySet()) {
            spec = spec.bind(column.getKey(), column.getValue());
        }
        return spec.then();
    }

    Mono<Void> insertMember(UUID ownerId, UUID memberId, String relationship, Map<String, Parameter> columns) {
        Map<String, Parameter> all = new LinkedHashMap<>(columns);
        all.put("id", Parameter.from(memberId));
        String names = String.join(", ", all.keySet());
        String values = all.keySet().stream().map(c -> ":" + c).collect(Collectors.joining(", "));
        DatabaseClient.GenericExecuteSpec spec = db.sql("insert into app.patients (" + names + ") values (" + values + ")");
        for (Map.Entry<String, Parameter> column : all.entrySet()) {
            spec = spec.bind(column.getKey(), column.getValue());
        }
        return spec.then().then(db.sql("insert into app.family_links (owner_patient_id, member_id, relationship) "
                        + "values (:owner, :member, :relationship)")
                .bind("owner", ownerId)
                .bind("member", memberId)
                .bind("relationship", relationship)
                .then());
    }

    Mono<Void> updateRelationship(UUID ownerId, UUID memberId, String relationship) {
        return db.sql("update app.family_links set relationship = :relationship "
                        + "where owner_patient_id = :owner and member_id = :member")
                .bind("relationship", relationship)
                .bind("owner", ownerId)
                .bind("member", memberId)
                .then();
    }

    /** Unlinks the member; the member's record goes too unless another account still links to it. */
    Mono<Boolean> removeMember(UUID ownerId, UUID memberId) {
        return db.sql("delete from app.family_links where owner_patient_id = :owner and member_id = :member")
                .bind("owner", ownerId)
                .bind("member", memberId)
                .fetch().rowsUpdated()
                .flatMap(removed -> removed == 0 ? Mono.just(false)
                        : db.sql("delete from app.patients p where p.id = :member and p.account_id is null "
                                        + "and not exists (select 1 from app.family_links l where l.member_id = p.id)")
                                .bind("member", memberId)
                                .then()
                                .thenReturn(true));
    }

    /**
     * Erasure: unlinks the account's family members, then empties every personal column of its own record and of
     * each member no other account still links to (those stay with the other account, only the link goes). The
     * records themselves stay, detached from the account, because appointments and reports point at them.
     * Answers the ids of the records it emptied.
     */
    Mono<java.util.List<UUID>> anonymise(UUID selfId) {
        return db.sql("delete from app.family_links where owner_patient_id = :self returning member_id")
                .bind("self", selfId)
                .map(r -> r.get("member_id", UUID.class))
                .all().collectList()
                .flatMap(members -> db.sql("update app.patients p set name = null, gender = null, birth_date = null, "
                                + "phone_enc = null, phone_hash = null, national_id_enc = null, national_id_hash = null, "
                                + "address = null, emergency_contact_name = null, emergency_contact_phone_enc = null, "
                                + "emergency_contact_relation = null, account_id = null, erased_at = now(), updated_at = now() "
                                + "where p.id = :self or (p.id = any(cast(:members as uuid[])) and p.account_id is null "
                                + "and not exists (select 1 from app.family_links l where l.member_id = p.id)) returning p.id")
                        .bind("self", selfId)
                        .bind("members", members.toArray(UUID[]::new))
                        .map(r -> r.get("id", UUID.class))
                        .all().collectList());
    }

    private Row row(Readable r) {
        return new Row(r.get("id", UUID.class), r.get("name", String.class), r.get("gender", String.class),
                r.get("birth_date", LocalDate.class), crypto.decrypt(r.get("phone_enc", byte[].class)),
                crypto.decrypt(r.get("national_id_enc", byte[].class)), r.get("address", String.class),
                r.get("emergency_contact_name", String.class),
                crypto.decrypt(r.get("emergency_contact_phone_enc", byte[].class)),
                r.get("emergency_contact_relation", String.class));
    }
}

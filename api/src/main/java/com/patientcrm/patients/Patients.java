package com.patientcrm.patients;

import com.patientcrm.auth.FieldCrypto;
import com.patientcrm.platform.Problems;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The patients facade: a signed-in account's own profile and its family members. Every lookup is scoped to
 * the account, so another account's member id is simply not found.
 */
@Service
public class Patients {

    static final int MAX_FAMILY_MEMBERS = 10;

    private final PatientStore store;
    private final FieldCrypto crypto;
    private final TransactionalOperator tx;

    Patients(PatientStore store, FieldCrypto crypto, TransactionalOperator tx) {
        this.store = store;
        this.crypto = crypto;
        this.tx = tx;
    }

    /** The account's own patient id; errors with 404 for an account that has none (merged or erased). */
    public Mono<UUID> selfId(UUID accountId) {
        return store.selfId(accountId).switchIfEmpty(Mono.error(() -> Problems.notFound("patient")));
    }

    /**
     * The person key of a patient this account may act for (itself or a family member), in one query; 404 for any
     * other patient, exactly as for a missing one. The key identifies the real person across accounts and family
     * links: the keyed hash of the national ID number, or the record's own id for someone without one on file.
     */
    public Mono<byte[]> personKeyFor(UUID accountId, UUID patientId) {
        return store.nationalIdHashIfActsFor(accountId, patientId)
                .map(hash -> personKey(patientId, hash))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("patient")));
    }

    /** A patient acted for, and the person key of the real person (see {@link #personKeyFor}). */
    public record Person(UUID patientId, byte[] personKey) {}

    /**
     * The patient a request acts for: the account's own patient when {@code patientId} is null, else that patient if
     * this account may act for them; with the person key, in one query. 404 as {@link #selfId} and
     * {@link #personKeyFor}.
     */
    public Mono<Person> person(UUID accountId, UUID patientId) {
        Mono<Person> found = patientId == null
                ? store.selfWithNationalIdHash(accountId).map(row -> new Person(row.getKey(), personKey(row.getKey(), row.getValue())))
                : store.nationalIdHashIfActsFor(accountId, patientId).map(hash -> new Person(patientId, personKey(patientId, hash)));
        return found.switchIfEmpty(Mono.error(() -> Problems.notFound("patient")));
    }

    private static byte[] personKey(UUID patientId, byte[] nationalIdHash) {
        return nationalIdHash.length > 0 ? nationalIdHash
                : ("patient:" + patientId).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Every patient this account may act for: itself first, then its family members. */
    public Flux<UUID> actsFor(UUID accountId) {
        return store.actsFor(accountId).switchIfEmpty(Flux.error(() -> Problems.notFound("patient")));
    }

    /** The account's own profile and its family members, decrypted, for the patient's data export. */
    public Mono<java.util.Map<String, Object>> export(UUID accountId) {
        return profile(accountId).zipWith(familyMembers(accountId).collectList(), (self, members) -> {
            java.util.Map<String, Object> export = new java.util.LinkedHashMap<>();
            export.put("profile", self);
            export.put("familyMembers", members);
            return export;
        });
    }

    /**
     * Erases the account's patients (see {@link PatientStore#anonymise}); answers the ids of the records emptied,
     * none for an account without a patient of its own. Call it inside the erasure's transaction.
     */
    public Mono<java.util.List<UUID>> erase(UUID accountId) {
        return store.selfId(accountId).flatMap(store::anonymise).defaultIfEmpty(java.util.List.of());
    }

    /**
     * A patient's record for staff (the 360° view), decrypted and unmasked: the caller masks it for the staff
     * member's role and audits the read. Empty for an unknown id; an erased record has only its id.
     */
    public Mono<PatientCard> card(UUID patientId) {
        return store.find(patientId).map(row -> new PatientCard(row.id(), row.name(), row.gender(), row.birthDate(),
                row.phone(), row.nationalId(), row.address()));
    }

    /** A patient's personal data as staff may see it, before masking. */
    public record PatientCard(UUID id, String name, String gender, java.time.LocalDate birthDate, String phone,
                              String nationalId, String address) {
        @Override
        public String toString() {
            return "PatientCard[redacted]";
        }
    }

    Mono<PatientDtos.Profile> profile(UUID accountId) {
        return store.findSelf(accountId).map(Patients::profile)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("patient")));
    }

    Mono<PatientDtos.Profile> updateProfile(UUID accountId, PatientDtos.ProfileUpdate update) {
        return selfId(accountId).flatMap(self -> {
            ProfileColumns columns = new ProfileColumns(crypto).name(update.name()).gender(update.gender())
                    .birthDate(update.birthDate()).phone("phone", "phone", update.phone())
                    .nationalId(update.nationalId()).address(update.address())
                    .emergencyContact(update.emergencyContact());
            return uniqueNationalId(self, columns, self).then(store.update(self, columns.columns()));
        }).as(tx::transactional).then(profile(accountId));
    }

    Flux<PatientDtos.FamilyMember> familyMembers(UUID accountId) {
        return selfId(accountId).flatMapMany(store::members).map(Patients::member);
    }

    Mono<PatientDtos.FamilyMember> familyMember(UUID accountId, UUID memberId) {
        return selfId(accountId).flatMap(self -> store.member(self, memberId))
                .map(Patients::member)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("family member")));
    }

    Mono<PatientDtos.FamilyMember> addFamilyMember(UUID accountId, PatientDtos.NewFamilyMember body) {
        UUID memberId = UUID.randomUUID();
        ProfileColumns columns = new ProfileColumns(crypto).name(body.name()).gender(body.gender())
                .birthDate(body.birthDate()).phone("phone", "phone", body.phone()).nationalId(body.nationalId())
                .address(body.address());
        return selfId(accountId).flatMap(self -> store.memberCount(self)
                        .flatMap(count -> count >= MAX_FAMILY_MEMBERS ? Mono.error(Problems.of(HttpStatus.CONFLICT,
                                "family-limit", "Too many family members",
                                "An account can act for at most " + MAX_FAMILY_MEMBERS + " family members."))
                                : uniqueNationalId(self, columns, null))
                        .then(store.insertMember(self, memberId, body.relationship(), columns.columns())))
                .as(tx::transactional)
                .then(familyMember(accountId, memberId));
    }

    Mono<PatientDtos.FamilyMember> updateFamilyMember(UUID accountId, UUID memberId, PatientDtos.FamilyMemberUpdate body) {
        return selfId(accountId).flatMap(self -> store.member(self, memberId)
                        .switchIfEmpty(Mono.error(() -> Problems.notFound("family member")))
                        .flatMap(existing -> {
                            ProfileColumns columns = new ProfileColumns(crypto).name(body.name()).gender(body.gender())
                                    .birthDate(body.birthDate()).phone("phone", "phone", body.phone())
                                    .nationalId(body.nationalId()).address(body.address());
                            Mono<Void> relationship = body.relationship() == null ? Mono.empty()
                                    : store.updateRelationship(self, memberId, body.relationship());
                            return uniqueNationalId(self, columns, memberId)
                                    .then(store.update(memberId, columns.columns()))
                                    .then(relationship);
                        }))
                .as(tx::transactional)
                .then(familyMember(accountId, memberId));
    }

    Mono<Void> removeFamilyMember(UUID accountId, UUID memberId) {
        return selfId(accountId).flatMap(self -> store.removeMember(self, memberId))
                .flatMap(removed -> removed ? Mono.<Void>empty() : Mono.error(Problems.notFound("family member")))
                .as(tx::transactional);
    }

    /** One account cannot hold the same person twice (as itself and a member, or as two members). */
    private Mono<Void> uniqueNationalId(UUID self, ProfileColumns columns, UUID exceptMember) {
        if (columns.nationalIdHash() == null) {
            return Mono.empty();
        }
        return store.nationalIdTaken(self, columns.nationalIdHash(), exceptMember)
                .flatMap(taken -> taken ? Mono.error(Problems.of(HttpStatus.CONFLICT, "duplicate-person",
                        "Person already registered", "This national ID number is already yours or a family member's."))
                        : Mono.empty());
    }

    private static PatientDtos.Profile profile(PatientStore.Row row) {
        PatientDtos.EmergencyContact contact = row.contactName() == null && row.contactPhone() == null
                && row.contactRelation() == null ? null
                : new PatientDtos.EmergencyContact(row.contactName(), row.contactPhone(), row.contactRelation());
        return new PatientDtos.Profile(row.id(), row.name(), row.gender(), row.birthDate(), row.phone(),
                row.nationalId(), row.address(), contact);
    }

    private static PatientDtos.FamilyMember member(PatientStore.MemberRow member) {
        PatientStore.Row row = member.patient();
        return new PatientDtos.FamilyMember(row.id(), member.relationship(), row.name(), row.gender(), row.birthDate(),
                row.phone(), row.nationalId(), row.address());
    }
}

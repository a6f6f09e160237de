package com.patientcrm.booking;

import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Readable;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** SQL for appointments and idempotency keys. Times are compared with the database's clock, one clock for all. */
@Component
class AppointmentStore {

    private static final String VIEW = "select a.id, a.slot_id, a.patient_id, a.doctor_id, d.department_id, s.starts_at, "
            + "s.ends_at, s.time_zone, a.status, a.created_at from app.appointments a join app.slots s on s.id = a.slot_id "
            + "join app.doctors d on d.id = a.doctor_id ";

    private final DatabaseClient db;

    AppointmentStore(DatabaseClient db) {
        this.db = db;
    }

    record BookableSlot(UUID id, UUID doctorId, UUID departmentId, LocalDate localDate, OffsetDateTime startsAt,
                        OffsetDateTime endsAt, String timeZone, boolean open, boolean tooSoon, boolean beyondHorizon,
                        SlotFacts facts) {}

    /** A slot as the hospital knows it (its own ids), for the events it is told of. */
    record SlotFacts(UUID id, String externalId, String doctorExternalId, String departmentExternalId,
                     OffsetDateTime startsAt, OffsetDateTime endsAt, String timeZone) {

        static SlotFacts of(Readable row) {
            return new SlotFacts(row.get("id", UUID.class), row.get("slot_ext", String.class),
                    row.get("doctor_ext", String.class), row.get("dep_ext", String.class),
                    row.get("starts_at", OffsetDateTime.class), row.get("ends_at", OffsetDateTime.class),
                    row.get("time_zone", String.class));
        }
    }

    /** What a cancellation or move gave back: the slot whose place was released, and whose appointment it was. */
    record Released(UUID patientId, SlotFacts slot, UUID doctorId, LocalDate day) {}

    /** Releases one place of a slot and answers the slot's facts. */
    private static final String RELEASE = "update app.slots s set booked = s.booked - 1, updated_at = now() "
            + "from app.doctors d join app.departments dep on dep.id = d.department_id where s.id = :slot and d.id = s.doctor_id "
            + "returning s.id, s.external_id as slot_ext, d.external_id as doctor_ext, dep.external_id as dep_ext, "
            + "s.starts_at, s.ends_at, s.time_zone, s.doctor_id, s.local_date";

    /** The person's standing for the booking rules, read after the person lock is held. */
    record Standing(boolean sameDoctorSameDay, long upcoming) {}

    record KeyRecord(byte[] requestHash, UUID appointmentId) {}

    Mono<KeyRecord> keyRecord(UUID accountId, String key) {
        return db.sql("select request_hash, appointment_id from app.idempotency_keys where account_id = :account and key = :key")
                .bind("account", accountId).bind("key", key)
                .map(row -> new KeyRecord(row.get("request_hash", byte[].class), row.get("appointment_id", UUID.class)))
                .one();
    }

    private static final String BOOKABLE_COLUMNS = "s.id, s.doctor_id, d.department_id, s.local_date, s.starts_at, "
            + "s.ends_at, s.time_zone, s.external_id as slot_ext, d.external_id as doctor_ext, dep.external_id as dep_ext, "
            + "(s.status = 'open' and d.active and dep.active) as open, "
            + "s.starts_at < now() + make_interval(mins => dep.min_notice_minutes) as too_soon, "
            + "s.starts_at >= now() + make_interval(days => dep.booking_horizon_days) as beyond ";
    private static final String BOOKABLE_JOIN = "app.slots s join app.doctors d on d.id = s.doctor_id "
            + "join app.departments dep on dep.id = d.department_id";

    Mono<BookableSlot> bookableSlot(UUID slotId) {
        return db.sql("select " + BOOKABLE_COLUMNS + "from " + BOOKABLE_JOIN + " where s.id = :id")
                .bind("id", slotId)
                .map(AppointmentStore::bookable)
                .one();
    }

    private static BookableSlot bookable(Readable row) {
        return new BookableSlot(row.get("id", UUID.class), row.get("doctor_id", UUID.class),
                row.get("department_id", UUID.class), row.get("local_date", LocalDate.class),
                row.get("starts_at", OffsetDateTime.class), row.get("ends_at", OffsetDateTime.class),
                row.get("time_zone", String.class), row.get("open", Boolean.class), row.get("too_soon", Boolean.class),
                row.get("beyond", Boolean.class), SlotFacts.of(row));
    }

    /** What a new booking needs to know first: the slot (null when none) and the key's record (null when unused). */
    record BookingView(BookableSlot slot, KeyRecord key) {}

    /** The slot and this account's record of the key, in one query. */
    Mono<BookingView> bookingView(UUID slotId, UUID accountId, String key) {
        return db.sql("select " + BOOKABLE_COLUMNS + ", k.request_hash, k.appointment_id as key_appointment, "
                        + "k.account_id is not null as key_used from (select 1) as one "
                        + "left join (" + BOOKABLE_JOIN + ") on s.id = :id "
                        + "left join app.idempotency_keys k on k.account_id = :account and k.key = :key")
                .bind("id", slotId).bind("account", accountId).bind("key", key)
                .map(row -> new BookingView(row.get("id", UUID.class) == null ? null : bookable(row),
                        Boolean.TRUE.equals(row.get("key_used", Boolean.class))
                                ? new KeyRecord(row.get("request_hash", byte[].class), row.get("key_appointment", UUID.class))
                                : null))
                .one();
    }

    /**
     * The booking itself, one statement ({@code app.book_appointment}, see its migration): key claim, person lock and
     * rules, the place, the appointment with its history row, its outbox messages and the completed key. Answers when
     * the appointment was created; empty when the key was held already (the caller answers as a repeat). A broken
     * rule errors with its problem, and nothing of the booking is stored.
     */
    Mono<OffsetDateTime> book(UUID accountId, String key, byte[] requestHash, UUID appointmentId, BookableSlot slot,
                              UUID patientId, byte[] personKey, int maxUpcoming, String messagesJson) {
        return db.sql("select app.book_appointment(:account, :key, :hash, :appointment, :slot, :starts, :doctor, :day, "
                        + ":patient, :person, :max, cast(:messages as jsonb)) as created")
                .bind("account", accountId).bind("key", key).bind("hash", requestHash).bind("appointment", appointmentId)
                .bind("slot", slot.id()).bind("starts", slot.startsAt()).bind("doctor", slot.doctorId())
                .bind("day", slot.localDate()).bind("patient", patientId).bind("person", personKey)
                .bind("max", (long) maxUpcoming).bind("messages", messagesJson)
                .map(row -> Optional.ofNullable(row.get("created", OffsetDateTime.class))).one()
                .flatMap(Mono::justOrEmpty)
                .onErrorMap(error -> bookingRule(error, maxUpcoming) != null, error -> bookingRule(error, maxUpcoming));
    }

    /** The problem for a rule {@code app.book_appointment} found broken (its SQLSTATEs), else null. */
    private static RuntimeException bookingRule(Throwable error, int maxUpcoming) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof R2dbcException r2dbc && r2dbc.getSqlState() != null) {
                return switch (r2dbc.getSqlState()) {
                    case "PB001" -> BookingProblems.sameDoctorSameDay();
                    case "PB002" -> BookingProblems.tooManyUpcoming(maxUpcoming);
                    case "PB003" -> BookingProblems.slotFull();
                    case "PB004" -> BookingProblems.notBookable("This slot was closed or moved while it was being booked.");
                    default -> null;
                };
            }
        }
        return null;
    }

    /** A new appointment as the patient sees it, in the slot's zone. */
    static BookingDtos.Appointment booked(UUID id, BookableSlot slot, UUID patientId, OffsetDateTime createdAt) {
        ZoneId zone = ZoneId.of(slot.timeZone());
        return new BookingDtos.Appointment(id, slot.id(), patientId, slot.doctorId(), slot.departmentId(),
                SlotStore.local(slot.startsAt(), zone), SlotStore.local(slot.endsAt(), zone), zone.getId(), "BOOKED",
                createdAt);
    }

    /** Serialises bookings of one real person (whatever account books), so the rule checks below cannot race. */
    Mono<Void> lockPerson(byte[] personKey) {
        return db.sql("select pg_advisory_xact_lock(hashtextextended(encode(:key, 'hex'), 42))")
                .bind("key", personKey).fetch().rowsUpdated().then();
    }

    /** Both booking rules in one statement; call it after {@link #lockPerson}, in a statement of its own. */
    Mono<Standing> standing(byte[] personKey, UUID doctorId, LocalDate day) {
        return db.sql("select exists (select 1 from app.appointments where person_key = :key and doctor_id = :doctor "
                        + "and local_date = :day and status in ('BOOKED', 'CHECKED_IN')) as same_day, "
                        + "(select count(*) from app.appointments where person_key = :key and status = 'BOOKED' "
                        + "and starts_at > now()) as upcoming")
                .bind("key", personKey).bind("doctor", doctorId).bind("day", day)
                .map(row -> new Standing(row.get("same_day", Boolean.class), row.get("upcoming", Long.class))).one();
    }

    /** The one statement that guards capacity: it takes a place only while one is left. */
    Mono<Boolean> takePlace(UUID slotId) {
        return db.sql("update app.slots set booked = booked + 1, updated_at = now() "
                        + "where id = :id and status = 'open' and booked < capacity")
                .bind("id", slotId).fetch().rowsUpdated().map(n -> n == 1);
    }

    /** The appointment and its first history row, in one statement; answers the appointment as stored. */
    Mono<BookingDtos.Appointment> insertAppointment(BookableSlot slot, UUID patientId, UUID accountId, byte[] personKey) {
        UUID id = UUID.randomUUID();
        return db.sql("with created as (insert into app.appointments (id, slot_id, doctor_id, patient_id, booked_by, "
                        + "person_key, local_date, starts_at, status) values (:id, :slot, :doctor, :patient, :by, :key, :day, "
                        + ":start, 'BOOKED') returning id, created_at), "
                        + "logged as (insert into app.appointment_status_history (appointment_id, status, actor_kind, actor_id) "
                        + "select id, 'BOOKED', 'patient', :actor from created) select created_at from created")
                .bind("id", id).bind("slot", slot.id()).bind("doctor", slot.doctorId()).bind("patient", patientId)
                .bind("by", accountId).bind("key", personKey).bind("day", slot.localDate()).bind("start", slot.startsAt())
                .bind("actor", accountId.toString())
                .map(row -> row.get("created_at", OffsetDateTime.class)).one()
                .map(createdAt -> booked(id, slot, patientId, createdAt));
    }

    /** Cancels a booked appointment before the cut-off and gives its place back; empty when the cut-off has passed. */
    Mono<Released> cancel(UUID appointmentId, Duration cutoff, String actorKind, String actorId) {
        return db.sql("update app.appointments set status = 'CANCELLED', updated_at = now() where id = :id "
                        + "and status = 'BOOKED' and starts_at > now() + make_interval(secs => :cutoff) returning slot_id, patient_id")
                .bind("id", appointmentId).bind("cutoff", (double) cutoff.toSeconds())
                .map(row -> Map.entry(row.get("slot_id", UUID.class), row.get("patient_id", UUID.class))).one()
                .flatMap(cancelled -> release(cancelled.getKey(), cancelled.getValue())
                        .flatMap(released -> history(appointmentId, "CANCELLED", actorKind, actorId)
                                .thenReturn(released)));
    }

    /** The patients' appointments still to come, locked for the erasure that cancels them. */
    Flux<UUID> upcomingBooked(UUID[] patientIds) {
        return db.sql("select id from app.appointments where patient_id = any(cast(:patients as uuid[])) "
                        + "and status = 'BOOKED' and starts_at > now() order by starts_at for update")
                .bind("patients", patientIds).map(row -> row.get("id", UUID.class)).all();
    }

    /**
     * Replaces the person key (the keyed hash of a national ID number) on the patients' appointments and waitlist
     * entries with one derived from the record id, so that nothing left behind leads back to the ID number.
     */
    Mono<Void> forgetPersonKeys(UUID[] patientIds) {
        String key = "convert_to('erased:' || patient_id::text, 'UTF8')";
        return db.sql("update app.appointments set person_key = " + key + " where patient_id = any(cast(:patients as uuid[]))")
                .bind("patients", patientIds).then()
                .then(db.sql("update app.waitlist_entries set person_key = " + key
                                + " where patient_id = any(cast(:patients as uuid[]))")
                        .bind("patients", patientIds).then());
    }

    Mono<Void> forgetKeys(UUID accountId) {
        return db.sql("delete from app.idempotency_keys where account_id = :account").bind("account", accountId).then();
    }

    /** Gives one place of the slot back; answers what was released (for events and the waitlist). */
    Mono<Released> release(UUID slotId, UUID patientId) {
        return db.sql(RELEASE).bind("slot", slotId)
                .map(row -> new Released(patientId, SlotFacts.of(row), row.get("doctor_id", UUID.class),
                        row.get("local_date", LocalDate.class)))
                .one();
    }

    Mono<byte[]> personKeyOf(UUID appointmentId) {
        return db.sql("select person_key from app.appointments where id = :id").bind("id", appointmentId)
                .map(row -> row.get("person_key", byte[].class)).one();
    }

    Mono<Boolean> hasSameDoctorSameDayExcept(byte[] personKey, UUID doctorId, LocalDate day, UUID except) {
        return db.sql("select exists (select 1 from app.appointments where person_key = :key and doctor_id = :doctor "
                        + "and local_date = :day and status in ('BOOKED', 'CHECKED_IN') and id <> :except) as taken")
                .bind("key", personKey).bind("doctor", doctorId).bind("day", day).bind("except", except)
                .map(row -> row.get("taken", Boolean.class)).one();
    }

    /**
     * Moves a booked appointment to a slot whose place the caller has already taken, gives the old slot's place
     * back, and answers the old slot; empty (changing nothing) when the appointment is no longer movable.
     */
    Mono<Released> move(UUID appointmentId, BookableSlot to, Duration cutoff, UUID accountId) {
        return db.sql("update app.appointments a set slot_id = :slot, doctor_id = :doctor, local_date = :day, "
                        + "starts_at = :start, updated_at = now() from app.appointments old where a.id = old.id "
                        + "and a.id = :id and a.status = 'BOOKED' and a.starts_at > now() + make_interval(secs => :cutoff) "
                        + "returning old.slot_id as old_slot, a.patient_id")
                .bind("slot", to.id()).bind("doctor", to.doctorId()).bind("day", to.localDate()).bind("start", to.startsAt())
                .bind("id", appointmentId).bind("cutoff", (double) cutoff.toSeconds())
                .map(row -> Map.entry(row.get("old_slot", UUID.class), row.get("patient_id", UUID.class))).one()
                .flatMap(moved -> release(moved.getKey(), moved.getValue())
                        .flatMap(old -> history(appointmentId, "RESCHEDULED", "patient", accountId.toString())
                                .thenReturn(old)));
    }

    Mono<BookingDtos.Appointment> find(UUID appointmentId) {
        return db.sql(VIEW + "where a.id = :id").bind("id", appointmentId).map(AppointmentStore::appointment).one();
    }

    Mono<BookingDtos.Appointment> owned(UUID appointmentId, List<UUID> patientIds) {
        return db.sql(VIEW + "where a.id = :id and a.patient_id = any(:patients)")
                .bind("id", appointmentId).bind("patients", patientIds.toArray(UUID[]::new))
                .map(AppointmentStore::appointment).one();
    }

    /**
     * Up to {@code limit} appointments of the patients, upcoming soonest first or past latest first (then by id),
     * after the one at {@code after} in that order (from the start when null).
     */
    Flux<BookingDtos.Appointment> list(List<UUID> patientIds, boolean upcoming, ListPosition after, int limit) {
        String which = upcoming ? "and a.status in ('BOOKED', 'CHECKED_IN') and s.ends_at >= now() "
                : "and not (a.status in ('BOOKED', 'CHECKED_IN') and s.ends_at >= now()) ";
        String from = after == null ? ""
                : upcoming ? "and (s.starts_at > :at or (s.starts_at = :at and a.id > :afterId)) "
                : "and (s.starts_at < :at or (s.starts_at = :at and a.id > :afterId)) ";
        DatabaseClient.GenericExecuteSpec spec = db.sql(VIEW + "where a.patient_id = any(:patients) " + which + from
                        + (upcoming ? "order by s.starts_at, a.id" : "order by s.starts_at desc, a.id") + " limit :limit")
                .bind("patients", patientIds.toArray(UUID[]::new)).bind("limit", limit);
        if (after != null) {
            spec = spec.bind("at", after.start().atOffset(java.time.ZoneOffset.UTC)).bind("afterId", after.id());
        }
        return spec.map(AppointmentStore::appointment).all();
    }

    /** Where a page of {@link #list} ends: the last appointment's start and id. */
    record ListPosition(java.time.Instant start, UUID id) {}

    private Mono<Void> history(UUID appointmentId, String status, String actorKind, String actorId) {
        return db.sql("insert into app.appointment_status_history (appointment_id, status, actor_kind, actor_id) "
                        + "values (:id, :status, :kind, :actor)")
                .bind("id", appointmentId).bind("status", status).bind("kind", actorKind).bind("actor", actorId).then();
    }

    private static BookingDtos.Appointment appointment(Readable row) {
        ZoneId zone = ZoneId.of(row.get("time_zone", String.class));
        return new BookingDtos.Appointment(row.get("id", UUID.class), row.get("slot_id", UUID.class),
                row.get("patient_id", UUID.class), row.get("doctor_id", UUID.class), row.get("department_id", UUID.class),
                SlotStore.local(row.get("starts_at", OffsetDateTime.class), zone),
                SlotStore.local(row.get("ends_at", OffsetDateTime.class), zone), zone.getId(), row.get("status", String.class),
                row.get("created_at", OffsetDateTime.class));
    }
}

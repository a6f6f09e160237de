package com.patientcrm.booking;

import com.patientcrm.notifications.Outbox;
import com.patientcrm.notifications.OutboxMessage;
import com.patientcrm.patients.Patients;
import com.patientcrm.platform.Problems;
import io.r2dbc.spi.Readable;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The waitlist of a full doctor-day. A freed place goes, in the same transaction that frees it, to the first person
 * waiting: it is taken for them (so nobody else can book it) and held until the hold expires, with a critical
 * {@code waitlist.offer} message for the patient and a {@code waitlist.hold-expiry} message due when it lapses. They
 * claim it as an appointment; an unclaimed or declined hold passes to the next person in line.
 */
@Service
class Waitlist {

    static final String OFFER = "waitlist.offer";
    static final String HOLD_EXPIRY = "waitlist.hold-expiry";
    /** A held place is gone: {@code why} is {@code withdrawn} (the session was stopped) or {@code lapsed}. */
    static final String HOLD_ENDED = "waitlist.hold-ended";

    private static final String VIEW = "select w.id, w.doctor_id, w.local_date, w.patient_id, w.status, w.offered_slot_id, "
            + "w.hold_expires_at, w.appointment_id, w.created_at, s.starts_at, s.ends_at, s.time_zone, "
            + "case when w.status = 'WAITING' then (select count(*) from app.waitlist_entries q where q.doctor_id = w.doctor_id "
            + "and q.local_date = w.local_date and q.status = 'WAITING' and (q.created_at, q.id) < (w.created_at, w.id)) + 1 "
            + "end as position from app.waitlist_entries w left join app.slots s on s.id = w.offered_slot_id ";

    private final DatabaseClient db;
    private final Patients patients;
    private final AppointmentStore store;
    private final BookingMessages messages;
    private final Outbox outbox;
    private final BookingProperties properties;
    private final TransactionalOperator tx;
    private final Clock clock;

    Waitlist(DatabaseClient db, Patients patients, AppointmentStore store, BookingMessages messages, Outbox outbox,
             BookingProperties properties, TransactionalOperator tx, Clock clock) {
        this.db = db;
        this.patients = patients;
        this.store = store;
        this.messages = messages;
        this.outbox = outbox;
        this.properties = properties;
        this.tx = tx;
        this.clock = clock;
    }

    Mono<BookingDtos.WaitlistEntry> join(UUID accountId, BookingDtos.WaitlistJoin body) {
        Mono<UUID> patient = body.patientId() != null ? Mono.just(body.patientId()) : patients.selfId(accountId);
        UUID id = UUID.randomUUID();
        return patient.flatMap(patientId -> patients.personKeyFor(accountId, patientId)
                        .flatMap(personKey -> day(body.doctorId(), body.date())
                                .then(store.lockPerson(personKey))
                                .then(store.standing(personKey, body.doctorId(), body.date()))
                                .flatMap(standing -> standing.sameDoctorSameDay()
                                        ? Mono.error(BookingProblems.sameDoctorSameDay()) : Mono.empty())
                                .then(db.sql("insert into app.waitlist_entries (id, doctor_id, local_date, patient_id, "
                                                + "joined_by, person_key, status) values (:id, :doctor, :day, :patient, "
                                                + ":by, :key, 'WAITING')")
                                        .bind("id", id).bind("doctor", body.doctorId()).bind("day", body.date())
                                        .bind("patient", patientId).bind("by", accountId).bind("key", personKey).then())))
                .onErrorMap(e -> e instanceof DataIntegrityViolationException
                        && String.valueOf(e.getMessage()).contains("waitlist_one_per_person_doctor_day"), duplicate -> Problems.of(
                        org.springframework.http.HttpStatus.CONFLICT, "already-waiting", "Already on the waitlist",
                        "This person is already on this doctor's waitlist for this day."))
                .then(Mono.defer(() -> find(id)))
                .as(tx::transactional);
    }

    private record DayState(String zone, boolean active, boolean hasFree, int horizonDays) {}

    /** The doctor exists, the day is bookable (not past, inside the horizon) and has no free place. */
    private Mono<Void> day(UUID doctorId, LocalDate date) {
        return db.sql("select dep.time_zone, d.active and dep.active as active, "
                        + "exists (select 1 from app.slots s where s.doctor_id = d.id and s.local_date = :day "
                        + "and s.status = 'open' and s.booked < s.capacity "
                        + "and s.starts_at >= now() + make_interval(mins => dep.min_notice_minutes)) as has_free, "
                        + "dep.booking_horizon_days from app.doctors d join app.departments dep on dep.id = d.department_id "
                        + "where d.id = :doctor")
                .bind("doctor", doctorId).bind("day", date)
                // A row is readable only inside map: take the values out there.
                .map(row -> new DayState(row.get("time_zone", String.class), row.get("active", Boolean.class),
                        row.get("has_free", Boolean.class), row.get("booking_horizon_days", Integer.class)))
                .one()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("doctor")))
                .flatMap(state -> {
                    LocalDate today = LocalDate.now(clock.withZone(ZoneId.of(state.zone())));
                    if (!state.active()) {
                        return Mono.error(Problems.notFound("doctor"));
                    }
                    if (date.isBefore(today) || !date.isBefore(today.plusDays(state.horizonDays()))) {
                        return Mono.error(Problems.invalidField("date", "must be a day open for booking"));
                    }
                    return state.hasFree() ? Mono.error(Problems.of(org.springframework.http.HttpStatus.CONFLICT,
                            "places-available", "Places available", "This day still has free places: book one instead."))
                            : Mono.empty();
                });
    }

    Flux<BookingDtos.WaitlistEntry> list(UUID accountId) {
        return patients.actsFor(accountId).collectList().flatMapMany(mine -> db.sql(VIEW
                        + "where w.patient_id = any(:mine) order by w.created_at desc limit 100")
                .bind("mine", mine.toArray(UUID[]::new)).map(Waitlist::entry).all());
    }

    /** Leaves the waitlist; a held place passes to the next person at once. */
    Mono<Void> leave(UUID accountId, UUID entryId) {
        // The row is locked before its status is read, so a claim or an expiry running at the same moment cannot
        // make the held place be given back twice.
        return owned(accountId, entryId)
                .then(db.sql("select status, offered_slot_id, doctor_id, local_date from app.waitlist_entries "
                                + "where id = :id for update")
                        .bind("id", entryId)
                        .map(row -> new Object[] {row.get("status", String.class), row.get("offered_slot_id", UUID.class),
                                row.get("doctor_id", UUID.class), row.get("local_date", LocalDate.class)})
                        .one())
                .flatMap(locked -> {
                    String status = (String) locked[0];
                    if (!status.equals("WAITING") && !status.equals("OFFERED")) {
                        return Mono.error(Problems.conflict("This waitlist entry is no longer open."));
                    }
                    return db.sql("update app.waitlist_entries set status = 'LEFT', updated_at = now() where id = :id")
                            .bind("id", entryId).then()
                            .then(status.equals("OFFERED") ? passOn((UUID) locked[1], (UUID) locked[2], (LocalDate) locked[3])
                                    : Mono.empty());
                })
                .as(tx::transactional);
    }

    /**
     * Closes the patients' open entries (their data is being erased): each becomes LEFT, and a place held for one
     * passes to the next person waiting. Answers how many were closed. Inside the caller's transaction.
     */
    Mono<Long> closeAll(UUID[] patientIds) {
        return db.sql("select id, status, offered_slot_id, doctor_id, local_date from app.waitlist_entries "
                        + "where patient_id = any(cast(:patients as uuid[])) and status in ('WAITING', 'OFFERED') "
                        + "order by id for update")
                .bind("patients", patientIds)
                .map(row -> new Object[] {row.get("id", UUID.class), row.get("status", String.class),
                        row.get("offered_slot_id", UUID.class), row.get("doctor_id", UUID.class),
                        row.get("local_date", LocalDate.class)})
                .all().collectList()
                .flatMapMany(Flux::fromIterable)
                .concatMap(open -> db.sql("update app.waitlist_entries set status = 'LEFT', updated_at = now() where id = :id")
                        .bind("id", open[0]).then()
                        .then("OFFERED".equals(open[1]) ? passOn((UUID) open[2], (UUID) open[3], (LocalDate) open[4])
                                : Mono.empty())
                        .thenReturn(1))
                .count();
    }

    /** Turns a held place into the appointment; the booking rules still apply. */
    Mono<BookingDtos.Appointment> claim(UUID accountId, UUID entryId) {
        return owned(accountId, entryId).flatMap(entry -> {
            if (!entry.status().equals("OFFERED")) {
                return Mono.error(Problems.conflict("There is no place held for this entry (any more)."));
            }
            // The database's clock decides whether the hold still runs, as it does for the expiry.
            return db.sql("update app.waitlist_entries set updated_at = now() where id = :id and status = 'OFFERED' "
                            + "and hold_expires_at > now() returning person_key")
                    .bind("id", entryId).map(row -> row.get("person_key", byte[].class)).one()
                    .switchIfEmpty(Mono.error(() -> Problems.conflict("There is no place held for this entry (any more).")))
                    .flatMap(personKey -> store.lockPerson(personKey)
                            .then(store.standing(personKey, entry.doctorId(), entry.date()))
                            .flatMap(standing -> standing.sameDoctorSameDay() ? Mono.error(BookingProblems.sameDoctorSameDay())
                                    : standing.upcoming() >= properties.maxUpcomingPerPerson()
                                    ? Mono.error(BookingProblems.tooManyUpcoming(properties.maxUpcomingPerPerson()))
                                    : store.bookableSlot(entry.offer().slotId()))
                            .filter(slot -> slot.open() && !slot.tooSoon())
                            .switchIfEmpty(Mono.error(() -> Problems.conflict("The held place is no longer available.")))
                            .flatMap(slot -> store.insertAppointment(slot, entry.patientId(), accountId, personKey)
                                    .flatMap(appointment -> messages.booked(appointment.id(), entry.patientId(), slot)
                                            .then(db.sql("update app.waitlist_entries set status = 'BOOKED', "
                                                    + "appointment_id = :appointment, updated_at = now() where id = :id")
                                                    .bind("appointment", appointment.id()).bind("id", entryId).then())
                                            .thenReturn(appointment))));
        }).as(tx::transactional);
    }

    /**
     * Offers free places of the doctor-day to the people waiting, first come first served, until either runs out.
     * Call it inside the transaction that freed a place, so the place is never open to anyone else in between.
     */
    Mono<Void> offer(UUID doctorId, LocalDate day) {
        return db.sql("select w.id, w.patient_id from app.waitlist_entries w where w.doctor_id = :doctor and "
                        + "w.local_date = :day and w.status = 'WAITING' order by w.created_at, w.id limit 1 for update skip locked")
                .bind("doctor", doctorId).bind("day", day)
                .map(row -> Map.entry(row.get("id", UUID.class), row.get("patient_id", UUID.class))).one()
                .flatMap(next -> freePlace(doctorId, day).flatMap(place -> hold(next.getKey(), next.getValue(), place)
                        .then(offer(doctorId, day))));
    }

    /** A place taken for a hold: its slot, and the last moment the slot can be booked (its department's notice). */
    private record Place(UUID slotId, Instant bookableUntil) {}

    private Mono<Place> freePlace(UUID doctorId, LocalDate day) {
        return db.sql("update app.slots sl set booked = sl.booked + 1, updated_at = now() from app.doctors d "
                        + "join app.departments dep on dep.id = d.department_id where d.id = sl.doctor_id and sl.id = ("
                        + "select s.id from app.slots s join app.doctors d on d.id = s.doctor_id "
                        + "join app.departments dep on dep.id = d.department_id "
                        + "where s.doctor_id = :doctor and s.local_date = :day and s.status = 'open' and s.booked < s.capacity "
                        + "and s.starts_at >= now() + make_interval(mins => dep.min_notice_minutes) "
                        + "order by s.starts_at, s.id limit 1 for update of s skip locked) and sl.booked < sl.capacity "
                        + "returning sl.id, sl.starts_at - make_interval(mins => dep.min_notice_minutes) as until")
                .bind("doctor", doctorId).bind("day", day)
                .map(row -> new Place(row.get("id", UUID.class), row.get("until", java.time.OffsetDateTime.class).toInstant()))
                .one();
    }

    /** Holds the place for the entry until the hold runs out, or the slot stops being bookable if that is sooner. */
    private Mono<Void> hold(UUID entryId, UUID patientId, Place place) {
        UUID slotId = place.slotId();
        Instant full = clock.instant().plus(properties.waitlistHold());
        Instant expires = full.isAfter(place.bookableUntil()) ? place.bookableUntil() : full;
        return db.sql("update app.waitlist_entries set status = 'OFFERED', offered_slot_id = :slot, hold_expires_at = :until, "
                        + "updated_at = now() where id = :id")
                .bind("slot", slotId).bind("until", expires.atOffset(java.time.ZoneOffset.UTC)).bind("id", entryId).then()
                .then(outbox.enqueueAll(List.of(
                        new OutboxMessage(OFFER, OFFER + ":" + entryId + ":" + slotId, patientId, entryId,
                                Map.of("entryId", entryId.toString(), "slotId", slotId.toString(),
                                        "expiresAt", expires.toString(), "critical", true), clock.instant()),
                        new OutboxMessage(HOLD_EXPIRY, HOLD_EXPIRY + ":" + entryId + ":" + slotId, null, entryId,
                                Map.of("entryId", entryId.toString()), expires))));
    }

    /** A hold ended unclaimed: the place is given back and offered to the next person, if any. */
    Mono<Void> passOn(UUID slotId, UUID doctorId, LocalDate day) {
        return db.sql("update app.slots set booked = booked - 1, updated_at = now() where id = :slot").bind("slot", slotId)
                .then().then(offer(doctorId, day));
    }

    /**
     * Tells the patient their held place is gone, in the caller's transaction: {@code withdrawn} when the hospital
     * stopped the session (they wait again, in their place in line), {@code lapsed} when it was not claimed in time.
     */
    Mono<Void> holdEnded(UUID entryId, UUID patientId, UUID slotId, String why) {
        return outbox.enqueue(new OutboxMessage(HOLD_ENDED, HOLD_ENDED + ":" + entryId + ":" + slotId, patientId, entryId,
                Map.of("entryId", entryId.toString(), "slotId", slotId.toString(), "why", why), clock.instant()));
    }

    /**
     * Expires the entry's hold if it is still unclaimed and due, tells the patient, and offers the place to the next
     * person; answers whether it did. In its own transaction.
     */
    Mono<Boolean> expire(UUID entryId) {
        return db.sql("update app.waitlist_entries set status = 'EXPIRED', updated_at = now() where id = :id "
                        + "and status = 'OFFERED' and hold_expires_at <= now() + interval '1 second' "
                        + "returning offered_slot_id, doctor_id, local_date, patient_id")
                .bind("id", entryId)
                .map(row -> new Object[] {row.get("offered_slot_id", UUID.class), row.get("doctor_id", UUID.class),
                        row.get("local_date", LocalDate.class), row.get("patient_id", UUID.class)})
                .one()
                .flatMap(held -> holdEnded(entryId, (UUID) held[3], (UUID) held[0], "lapsed")
                        .then(passOn((UUID) held[0], (UUID) held[1], (LocalDate) held[2])).thenReturn(true))
                .defaultIfEmpty(false)
                .as(tx::transactional);
    }

    private Mono<BookingDtos.WaitlistEntry> owned(UUID accountId, UUID entryId) {
        return patients.actsFor(accountId).collectList().flatMap(mine -> db.sql(VIEW
                        + "where w.id = :id and w.patient_id = any(:mine)")
                .bind("id", entryId).bind("mine", mine.toArray(UUID[]::new)).map(Waitlist::entry).one())
                .switchIfEmpty(Mono.error(() -> Problems.notFound("waitlist entry")));
    }

    private Mono<BookingDtos.WaitlistEntry> find(UUID entryId) {
        return db.sql(VIEW + "where w.id = :id").bind("id", entryId).map(Waitlist::entry).one();
    }

    private static BookingDtos.WaitlistEntry entry(Readable row) {
        String status = row.get("status", String.class);
        BookingDtos.WaitlistOffer offer = null;
        if (status.equals("OFFERED")) {
            ZoneId zone = ZoneId.of(row.get("time_zone", String.class));
            offer = new BookingDtos.WaitlistOffer(row.get("offered_slot_id", UUID.class),
                    SlotStore.local(row.get("starts_at", OffsetDateTime.class), zone),
                    SlotStore.local(row.get("ends_at", OffsetDateTime.class), zone), zone.getId(),
                    row.get("hold_expires_at", OffsetDateTime.class));
        }
        Long position = row.get("position", Long.class);
        return new BookingDtos.WaitlistEntry(row.get("id", UUID.class), row.get("doctor_id", UUID.class),
                row.get("local_date", LocalDate.class), row.get("patient_id", UUID.class), status,
                position == null ? null : position.intValue(), offer, row.get("appointment_id", UUID.class),
                row.get("created_at", OffsetDateTime.class));
    }
}

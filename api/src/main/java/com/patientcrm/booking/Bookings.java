package com.patientcrm.booking;

import com.patientcrm.patients.Patients;
import com.patientcrm.platform.Problems;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The booking facade: book (idempotent per account and Idempotency-Key), cancel, and read one's appointments.
 * Each booking is one statement, so one transaction: the key record, the rule checks under a per-person advisory
 * lock, the conditional slot update, the appointment row and its outbox messages (reminders, confirmation, hospital
 * webhook) commit together or not at all. The person and the slot are read before it, outside it: the statement
 * checks again what could have changed meanwhile.
 */
@Service
public class Bookings {

    private final AppointmentStore store;
    private final Patients patients;
    private final TransactionalOperator tx;
    private final BookingProperties properties;
    private final BookingMessages messages;
    private final Waitlist waitlist;

    Bookings(AppointmentStore store, Patients patients, TransactionalOperator tx, BookingProperties properties,
             BookingMessages messages, Waitlist waitlist) {
        this.store = store;
        this.patients = patients;
        this.tx = tx;
        this.properties = properties;
        this.messages = messages;
        this.waitlist = waitlist;
    }

    /** A booking's outcome: the appointment, and whether this request created it (false for a repeat). */
    record Booked(BookingDtos.Appointment appointment, boolean created) {}

    Mono<Booked> book(UUID accountId, String idempotencyKey, BookingDtos.NewAppointment body) {
        return patients.person(accountId, body.patientId()).flatMap(person -> {
            byte[] requestHash = sha256(body.slotId() + "|" + person.patientId());
            return store.bookingView(body.slotId(), accountId, idempotencyKey).flatMap(view -> view.key() != null
                    ? repeated(view.key(), requestHash)
                    : newBooking(accountId, idempotencyKey, requestHash, person, view.slot()));
        });
    }

    /**
     * Checks the slot's booking window, then books in one statement (see {@link AppointmentStore#book}); a key that
     * another request claimed meanwhile is answered as that request's repeat.
     */
    private Mono<Booked> newBooking(UUID accountId, String key, byte[] requestHash, Patients.Person person,
                                    AppointmentStore.BookableSlot slot) {
        if (slot == null) {
            return Mono.error(Problems.notFound("slot"));
        }
        UUID appointmentId = UUID.randomUUID();
        return checkWindow(slot)
                .then(Mono.defer(() -> store.book(accountId, key, requestHash, appointmentId, slot, person.patientId(),
                        person.personKey(), properties.maxUpcomingPerPerson(),
                        messages.bookedJson(appointmentId, person.patientId(), slot))))
                .map(createdAt -> new Booked(AppointmentStore.booked(appointmentId, slot, person.patientId(), createdAt), true))
                .switchIfEmpty(Mono.defer(() -> store.keyRecord(accountId, key).flatMap(record -> repeated(record, requestHash))));
    }

    private Mono<Booked> repeated(AppointmentStore.KeyRecord record, byte[] requestHash) {
        if (!MessageDigest.isEqual(record.requestHash(), requestHash)) {
            return Mono.error(BookingProblems.keyReused());
        }
        return store.find(record.appointmentId()).map(appointment -> new Booked(appointment, false));
    }

    private Mono<Void> checkWindow(AppointmentStore.BookableSlot slot) {
        if (!slot.open()) {
            return Mono.error(BookingProblems.notBookable("This slot is not open for booking."));
        }
        if (slot.tooSoon()) {
            return Mono.error(BookingProblems.notBookable("This slot starts too soon to be booked."));
        }
        if (slot.beyondHorizon()) {
            return Mono.error(BookingProblems.notBookable("This slot is not yet open for booking."));
        }
        return Mono.empty();
    }

    Mono<BookingDtos.Appointment> cancel(UUID accountId, UUID appointmentId) {
        return patients.actsFor(accountId).collectList().flatMap(mine -> store.owned(appointmentId, mine)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("appointment")))
                .flatMap(appointment -> {
                    if (!"BOOKED".equals(appointment.status())) {
                        return Mono.error(BookingProblems.notCancellable("Only a booked appointment can be cancelled."));
                    }
                    return store.cancel(appointmentId, properties.cancelCutoff(), "patient", accountId.toString())
                            .switchIfEmpty(Mono.defer(() -> whyNot(appointmentId, "cancel")))
                            .flatMap(released -> messages.cancelled(appointmentId, released, "patient")
                                    .then(waitlist.offer(released.doctorId(), released.day()))
                                    .then(store.find(appointmentId)));
                })
                .as(tx::transactional));
    }

    /** What an erasure did to the patients' bookings. */
    record Withdrawn(long appointmentsCancelled, long waitlistEntriesClosed) {}

    /**
     * The booking side of an erasure, inside its transaction: every appointment still to come is cancelled
     * (whatever the cut-off; the hospital hears of it by webhook and the place goes to the waitlist), open waitlist
     * entries are closed, and the person keys and idempotency records that could lead back to the person go.
     * Past appointments stay: the hospital must keep its records of visits.
     */
    Mono<Withdrawn> withdrawForErasure(UUID accountId, java.util.List<UUID> patientIds) {
        UUID[] ids = patientIds.toArray(UUID[]::new);
        // The waitlist first, so that a place the cancellations free is never offered to the person being erased.
        Mono<Long> cancelled = store.upcomingBooked(ids).collectList()
                .flatMapMany(Flux::fromIterable)
                .concatMap(id -> store.cancel(id, java.time.Duration.ZERO, "system", "erasure")
                        .flatMap(released -> messages.cancelled(id, released, "patient_erasure")
                                .then(waitlist.offer(released.doctorId(), released.day()))
                                .thenReturn(id)))
                .count();
        return waitlist.closeAll(ids)
                .flatMap(closed -> cancelled
                        .flatMap(count -> store.forgetPersonKeys(ids)
                                .then(store.forgetKeys(accountId))
                                .thenReturn(new Withdrawn(count, closed))))
                .as(tx::transactional);
    }

    /**
     * Moves a booked appointment to another slot in one transaction: the new place is taken and the old one given
     * back, with the reminder replaced, or nothing changes at all.
     */
    Mono<BookingDtos.Appointment> reschedule(UUID accountId, UUID appointmentId, UUID slotId) {
        return patients.actsFor(accountId).collectList().flatMap(mine -> store.owned(appointmentId, mine)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("appointment")))
                .flatMap(appointment -> {
                    if (!"BOOKED".equals(appointment.status())) {
                        return Mono.error(BookingProblems.notCancellable("Only a booked appointment can be moved."));
                    }
                    if (appointment.slotId().equals(slotId)) {
                        return Mono.just(appointment);
                    }
                    return store.bookableSlot(slotId)
                            .switchIfEmpty(Mono.error(() -> Problems.notFound("slot")))
                            .flatMap(slot -> checkWindow(slot)
                                    .then(store.personKeyOf(appointmentId))
                                    .flatMap(personKey -> store.lockPerson(personKey)
                                            .then(store.hasSameDoctorSameDayExcept(personKey, slot.doctorId(),
                                                    slot.localDate(), appointmentId)))
                                    .flatMap(duplicate -> duplicate ? Mono.error(BookingProblems.sameDoctorSameDay())
                                            : store.takePlace(slotId))
                                    .flatMap(taken -> taken ? store.move(appointmentId, slot, properties.cancelCutoff(), accountId)
                                            : Mono.error(BookingProblems.slotFull()))
                                    .switchIfEmpty(Mono.defer(() -> whyNot(appointmentId, "move")))
                                    .flatMap(released -> messages.rescheduled(appointmentId, released, slot)
                                            .then(waitlist.offer(released.doctorId(), released.day()))
                                            .then(store.find(appointmentId))));
                })
                .as(tx::transactional));
    }

    /**
     * Why a cancellation or move of an appointment read as booked changed nothing: it is too close to the start, or
     * a concurrent request (the patient's own on another device, the hospital stopping the session) changed it
     * meanwhile, which a fresh read in the same transaction sees.
     */
    private <T> Mono<T> whyNot(UUID appointmentId, String verb) {
        return store.find(appointmentId).flatMap(now -> Mono.error("BOOKED".equals(now.status())
                ? BookingProblems.notCancellable("It is too close to the appointment to " + verb + " it online; "
                        + "please contact the hospital.")
                : BookingProblems.notCancellable("The appointment was changed meanwhile and is now " + now.status()
                        + "; only a booked appointment can be " + ("cancel".equals(verb) ? "cancelled." : "moved."))));
    }

    Flux<BookingDtos.Appointment> list(UUID accountId, boolean upcoming, AppointmentStore.ListPosition after, int limit) {
        return patients.actsFor(accountId).collectList().flatMapMany(mine -> store.list(mine, upcoming, after, limit));
    }

    Mono<BookingDtos.Appointment> get(UUID accountId, UUID appointmentId) {
        return patients.actsFor(accountId).collectList()
                .flatMap(mine -> store.owned(appointmentId, mine))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("appointment")));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

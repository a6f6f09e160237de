package com.patientcrm.booking;

import com.patientcrm.notifications.Outbox;
import com.patientcrm.notifications.OutboxMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What a booking change promises, written to the outbox in the booking's own transaction: the patient's reminder
 * (the day before, at the same wall-clock time in the slot's zone) and the change event for the hospital's
 * systems. A cancellation withdraws the pending reminder in the same transaction.
 */
@Component
class BookingMessages {

    static final String REMINDER = "appointment.reminder";
    static final String WEBHOOK_BOOKED = "webhook.appointment.booked";
    static final String WEBHOOK_CANCELLED = "webhook.appointment.cancelled";
    static final String WEBHOOK_RESCHEDULED = "webhook.appointment.rescheduled";
    /** Appointment changes the patient must be told of; critical, so preferences cannot mute them. */
    static final String CHANGE = "appointment.change";
    /** A visit's outcome, for the features that follow up on visits (surveys, care plans). */
    static final String VISIT = "appointment.visit";

    private final Outbox outbox;
    private final Clock clock;

    BookingMessages(Outbox outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    Mono<Void> booked(UUID appointmentId, UUID patientId, AppointmentStore.BookableSlot slot) {
        Instant now = clock.instant();
        Instant dayBefore = reminderTime(slot.startsAt(), ZoneId.of(slot.timeZone()));
        return outbox.enqueueAll(java.util.List.of(
                new OutboxMessage(REMINDER, REMINDER + ":" + appointmentId + ":" + slot.id() + ":day-before",
                        patientId, appointmentId, Map.of("appointmentId", appointmentId.toString()),
                        dayBefore.isAfter(now) ? dayBefore : now),
                new OutboxMessage(WEBHOOK_BOOKED, WEBHOOK_BOOKED + ":" + appointmentId, null,
                        appointmentId, Map.of("event", "appointment.booked", "appointmentId", appointmentId.toString(),
                        "slotId", slot.id().toString(), "start", slot.startsAt().toString()), now)));
    }

    /** Moved to another slot: the old reminder is withdrawn and one for the new time written, in the same transaction. */
    Mono<Void> rescheduled(UUID appointmentId, UUID patientId, AppointmentStore.BookableSlot to) {
        Instant now = clock.instant();
        UUID move = UUID.randomUUID();
        Instant dayBefore = reminderTime(to.startsAt(), ZoneId.of(to.timeZone()));
        return outbox.cancelPending(appointmentId, REMINDER)
                // A move can return to an earlier slot, so each move's messages get their own key; retries of one move
                // never reach here twice (the move is one transaction).
                .then(outbox.enqueue(new OutboxMessage(REMINDER, REMINDER + ":" + appointmentId + ":move:" + move,
                        patientId, appointmentId, Map.of("appointmentId", appointmentId.toString()),
                        dayBefore.isAfter(now) ? dayBefore : now)))
                .then(outbox.enqueue(new OutboxMessage(WEBHOOK_RESCHEDULED,
                        WEBHOOK_RESCHEDULED + ":" + appointmentId + ":move:" + move, null, appointmentId,
                        Map.of("event", "appointment.rescheduled", "appointmentId", appointmentId.toString(),
                                "slotId", to.id().toString(), "start", to.startsAt().toString()), now)));
    }

    /** The hospital cancelled (a session was stopped): the patient must hear of it, whatever their preferences. */
    Mono<Void> cancelledByHospital(UUID appointmentId, UUID patientId, String reason) {
        Instant now = clock.instant();
        return outbox.cancelPending(appointmentId, REMINDER)
                .then(outbox.enqueue(new OutboxMessage(CHANGE, CHANGE + ":cancelled-by-hospital:" + appointmentId, patientId,
                        appointmentId, Map.of("appointmentId", appointmentId.toString(), "change", "cancelled_by_hospital",
                        "critical", true, "reason", reason == null ? "" : reason), now)));
    }

    /** A visit ended (COMPLETED or NO_SHOW): follow-ups such as the satisfaction survey start from this event. */
    Mono<Void> visitEnded(UUID appointmentId, String status) {
        return outbox.enqueue(new OutboxMessage(VISIT, VISIT + ":" + status.toLowerCase(java.util.Locale.ROOT) + ":" + appointmentId,
                null, appointmentId, Map.of("appointmentId", appointmentId.toString(), "status", status), clock.instant()));
    }

    Mono<Void> cancelled(UUID appointmentId) {
        return outbox.cancelPending(appointmentId, REMINDER)
                .then(outbox.enqueue(new OutboxMessage(WEBHOOK_CANCELLED, WEBHOOK_CANCELLED + ":" + appointmentId, null,
                        appointmentId, Map.of("event", "appointment.cancelled", "appointmentId", appointmentId.toString(),
                        "cancelledBy", "patient"), clock.instant())));
    }

    /** The same local time one calendar day earlier in the slot's zone: 23 or 25 hours before across DST. */
    static Instant reminderTime(OffsetDateTime start, ZoneId zone) {
        return start.atZoneSameInstant(zone).minusDays(1).toInstant();
    }
}

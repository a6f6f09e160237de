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

    private final Outbox outbox;
    private final Clock clock;

    BookingMessages(Outbox outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    Mono<Void> booked(UUID appointmentId, UUID patientId, AppointmentStore.BookableSlot slot) {
        Instant now = clock.instant();
        Instant dayBefore = reminderTime(slot.startsAt(), ZoneId.of(slot.timeZone()));
        return outbox.enqueue(new OutboxMessage(REMINDER, REMINDER + ":" + appointmentId + ":day-before", patientId,
                        appointmentId, Map.of("appointmentId", appointmentId.toString()),
                        dayBefore.isAfter(now) ? dayBefore : now))
                .then(outbox.enqueue(new OutboxMessage(WEBHOOK_BOOKED, WEBHOOK_BOOKED + ":" + appointmentId, null,
                        appointmentId, Map.of("event", "appointment.booked", "appointmentId", appointmentId.toString(),
                        "slotId", slot.id().toString(), "start", slot.startsAt().toString()), now)));
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

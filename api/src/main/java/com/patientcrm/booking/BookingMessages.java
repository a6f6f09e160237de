package com.patientcrm.booking;

import com.patientcrm.notifications.Outbox;
import com.patientcrm.notifications.OutboxMessage;
import com.patientcrm.webhooks.Webhooks;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
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
    /** Appointment changes the patient must be told of; critical, so preferences cannot mute them. */
    static final String CHANGE = "appointment.change";
    /** A visit's outcome, for the features that follow up on visits (surveys, care plans). */
    static final String VISIT = "appointment.visit";

    private final Outbox outbox;
    private final Webhooks webhooks;
    private final Clock clock;

    BookingMessages(Outbox outbox, Webhooks webhooks, Clock clock) {
        this.outbox = outbox;
        this.webhooks = webhooks;
        this.clock = clock;
    }

    Mono<Void> booked(UUID appointmentId, UUID patientId, AppointmentStore.BookableSlot slot) {
        Instant now = clock.instant();
        Instant dayBefore = reminderTime(slot.startsAt(), ZoneId.of(slot.timeZone()));
        return outbox.enqueueAll(List.of(
                new OutboxMessage(REMINDER, REMINDER + ":" + appointmentId + ":" + slot.id() + ":day-before",
                        patientId, appointmentId, Map.of("appointmentId", appointmentId.toString()),
                        dayBefore.isAfter(now) ? dayBefore : now),
                webhooks.event(Webhooks.APPOINTMENT_BOOKED, "appointment.booked:" + appointmentId, appointmentId,
                        event(appointmentId, patientId, "BOOKED", slot.facts()))));
    }

    /** Moved to another slot: the old reminder is withdrawn and one for the new time written, in the same transaction. */
    Mono<Void> rescheduled(UUID appointmentId, AppointmentStore.Released from, AppointmentStore.BookableSlot to) {
        Instant now = clock.instant();
        UUID move = UUID.randomUUID();
        Instant dayBefore = reminderTime(to.startsAt(), ZoneId.of(to.timeZone()));
        Map<String, Object> data = event(appointmentId, from.patientId(), "BOOKED", to.facts());
        data.put("previousSlotId", from.slot().id().toString());
        data.put("previousSlotExternalId", from.slot().externalId());
        data.put("previousStart", local(from.slot()));
        return outbox.cancelPending(appointmentId, REMINDER)
                // A move can return to an earlier slot, so each move's messages get their own key; retries of one move
                // never reach here twice (the move is one transaction).
                .then(outbox.enqueueAll(List.of(
                        new OutboxMessage(REMINDER, REMINDER + ":" + appointmentId + ":move:" + move, from.patientId(),
                                appointmentId, Map.of("appointmentId", appointmentId.toString()),
                                dayBefore.isAfter(now) ? dayBefore : now),
                        webhooks.event(Webhooks.APPOINTMENT_RESCHEDULED, "appointment.rescheduled:" + appointmentId
                                + ":move:" + move, appointmentId, data))));
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

    /** Cancelled by the patient ({@code patient}) or on their behalf when their data was erased ({@code patient_erasure}). */
    Mono<Void> cancelled(UUID appointmentId, AppointmentStore.Released released, String cancelledBy) {
        Map<String, Object> data = event(appointmentId, released.patientId(), "CANCELLED", released.slot());
        data.put("cancelledBy", cancelledBy);
        return outbox.cancelPending(appointmentId, REMINDER)
                .then(webhooks.publish(Webhooks.APPOINTMENT_CANCELLED, "appointment.cancelled:" + appointmentId,
                        appointmentId, data));
    }

    /**
     * The facts of a webhook event: our ids and the hospital's own for slot, doctor and department, and the local
     * start and end in the slot's zone. The patient is named by id only; the change feed carries the name.
     */
    private static Map<String, Object> event(UUID appointmentId, UUID patientId, String status,
                                             AppointmentStore.SlotFacts slot) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("appointmentId", appointmentId.toString());
        data.put("patientId", patientId.toString());
        data.put("status", status);
        data.put("slotId", slot.id().toString());
        data.put("slotExternalId", slot.externalId());
        data.put("doctorExternalId", slot.doctorExternalId());
        data.put("departmentExternalId", slot.departmentExternalId());
        data.put("start", local(slot));
        data.put("end", SlotStore.local(slot.endsAt(), ZoneId.of(slot.timeZone()))
                .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        data.put("timeZone", slot.timeZone());
        return data;
    }

    private static String local(AppointmentStore.SlotFacts slot) {
        return SlotStore.local(slot.startsAt(), ZoneId.of(slot.timeZone()))
                .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    /** The same local time one calendar day earlier in the slot's zone: 23 or 25 hours before across DST. */
    static Instant reminderTime(OffsetDateTime start, ZoneId zone) {
        return start.atZoneSameInstant(zone).minusDays(1).toInstant();
    }
}

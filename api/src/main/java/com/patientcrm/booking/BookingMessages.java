package com.patientcrm.booking;

import com.patientcrm.notifications.Outbox;
import com.patientcrm.notifications.OutboxMessage;
import com.patientcrm.webhooks.Webhooks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What a booking change promises, written to the outbox in the booking's own transaction: the patient's reminders
 * ({@code crm.booking.reminders}, by default the day before at the same wall-clock time in the slot's zone, and 2 h
 * before), the patient's change notice (booked, moved, cancelled) and the change event for the hospital's systems.
 * A cancellation or a move withdraws the pending reminders in the same transaction.
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
    private final List<Duration> reminders;

    BookingMessages(Outbox outbox, Webhooks webhooks, Clock clock, BookingProperties properties) {
        this.outbox = outbox;
        this.webhooks = webhooks;
        this.clock = clock;
        this.reminders = List.copyOf(properties.reminders());
    }

    /** The confirmation, a reminder per configured offset still ahead, and the hospital's event. */
    Mono<Void> booked(UUID appointmentId, UUID patientId, AppointmentStore.BookableSlot slot) {
        return outbox.enqueueAll(bookedMessages(appointmentId, patientId, slot));
    }

    /** The same messages as {@link #booked}, as the JSON that {@code app.book_appointment} stores with the booking. */
    String bookedJson(UUID appointmentId, UUID patientId, AppointmentStore.BookableSlot slot) {
        return outbox.json(bookedMessages(appointmentId, patientId, slot));
    }

    private List<OutboxMessage> bookedMessages(UUID appointmentId, UUID patientId, AppointmentStore.BookableSlot slot) {
        List<OutboxMessage> messages = new ArrayList<>(reminders(appointmentId, patientId, slot, slot.id().toString()));
        messages.add(change(appointmentId, patientId, "booked", CHANGE + ":booked:" + appointmentId));
        messages.add(webhooks.event(Webhooks.APPOINTMENT_BOOKED, "appointment.booked:" + appointmentId, appointmentId,
                event(appointmentId, patientId, "BOOKED", slot.facts())));
        return messages;
    }

    /**
     * One reminder per configured offset whose time is still ahead; one already past is left out (the patient just
     * booked and has the confirmation). {@code occasion} keeps the keys of a later move apart from these.
     */
    private List<OutboxMessage> reminders(UUID appointmentId, UUID patientId, AppointmentStore.BookableSlot slot,
                                          String occasion) {
        Instant now = clock.instant();
        List<OutboxMessage> messages = new ArrayList<>();
        for (Duration offset : reminders) {
            Instant due = reminderTime(slot.startsAt(), ZoneId.of(slot.timeZone()), offset);
            if (due.isAfter(now)) {
                messages.add(new OutboxMessage(REMINDER, REMINDER + ":" + appointmentId + ":" + occasion + ":" + offset,
                        patientId, appointmentId, Map.of("appointmentId", appointmentId.toString(),
                        "before", offset.toString()), due));
            }
        }
        return messages;
    }

    /** A change the patient is told of (critical: no preference mutes it). */
    private OutboxMessage change(UUID appointmentId, UUID patientId, String change, String dedupeKey) {
        return new OutboxMessage(CHANGE, dedupeKey, patientId, appointmentId, Map.of("appointmentId",
                appointmentId.toString(), "change", change, "critical", true), clock.instant());
    }

    /** Moved to another slot: the old reminders are withdrawn and new ones written, in the same transaction. */
    Mono<Void> rescheduled(UUID appointmentId, AppointmentStore.Released from, AppointmentStore.BookableSlot to) {
        UUID move = UUID.randomUUID();
        List<OutboxMessage> messages = new ArrayList<>(reminders(appointmentId, from.patientId(), to, "move:" + move));
        messages.add(change(appointmentId, from.patientId(), "rescheduled", CHANGE + ":rescheduled:" + move));
        Map<String, Object> data = event(appointmentId, from.patientId(), "BOOKED", to.facts());
        data.put("previousSlotId", from.slot().id().toString());
        data.put("previousSlotExternalId", from.slot().externalId());
        data.put("previousStart", local(from.slot()));
        messages.add(webhooks.event(Webhooks.APPOINTMENT_RESCHEDULED, "appointment.rescheduled:" + appointmentId
                + ":move:" + move, appointmentId, data));
        // A move can return to an earlier slot, so each move's messages get their own key; retries of one move never
        // reach here twice (the move is one transaction).
        return outbox.cancelPending(appointmentId, REMINDER).then(outbox.enqueueAll(messages));
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

    /** A completed visit, for what follows it (surveys); one message per appointment. */
    Mono<Void> completed(VisitCompleted visit) {
        return outbox.enqueue(new OutboxMessage(VisitCompleted.TOPIC, VisitCompleted.TOPIC + ":" + visit.appointmentId(),
                visit.patientId(), visit.appointmentId(), visit.payload(), clock.instant()));
    }

    /** Cancelled by the patient ({@code patient}) or on their behalf when their data was erased ({@code patient_erasure}). */
    Mono<Void> cancelled(UUID appointmentId, AppointmentStore.Released released, String cancelledBy) {
        Map<String, Object> data = event(appointmentId, released.patientId(), "CANCELLED", released.slot());
        data.put("cancelledBy", cancelledBy);
        // The patient who cancelled is told it worked; after an erasure nobody is left to tell.
        List<OutboxMessage> messages = new ArrayList<>();
        if ("patient".equals(cancelledBy)) {
            messages.add(change(appointmentId, released.patientId(), "cancelled", CHANGE + ":cancelled:" + appointmentId));
        }
        messages.add(webhooks.event(Webhooks.APPOINTMENT_CANCELLED, "appointment.cancelled:" + appointmentId,
                appointmentId, data));
        return outbox.cancelPending(appointmentId, REMINDER).then(outbox.enqueueAll(messages));
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

    /**
     * {@code before} the start; whole days are calendar days in the slot's zone (the same wall-clock time, so 23 or
     * 25 hours across a DST change), anything else exact.
     */
    static Instant reminderTime(OffsetDateTime start, ZoneId zone, Duration before) {
        if (!before.isZero() && before.toSeconds() % 86_400 == 0 && before.getNano() == 0) {
            return start.atZoneSameInstant(zone).minusDays(before.toDays()).toInstant();
        }
        return start.toInstant().minus(before);
    }
}

package com.patientcrm.notifications;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One message for the outbox. {@code topic} says what it is (e.g. {@code appointment.reminder},
 * {@code webhook.appointment.booked}); {@code dedupeKey} is unique for the effect, so that writing the same message
 * twice stores it once; {@code subjectId} is what it is about (an appointment), so that it can be withdrawn with it.
 * The payload must not carry more personal data than the channel needs.
 */
public record OutboxMessage(String topic, String dedupeKey, UUID patientId, UUID subjectId, Map<String, Object> payload,
                            Instant dueAt) {
}

package com.patientcrm.notifications;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A claimed outbox message as a handler sees it. {@code attempts} counts this attempt (1 on the first);
 * {@code createdAt} is when the change that caused it committed, so it is the event's time.
 */
public record OutboxEntry(UUID id, String topic, String dedupeKey, UUID patientId, UUID subjectId,
                          Map<String, Object> payload, Instant dueAt, int attempts, Instant createdAt) {

    /** A payload field as text, or null. */
    public String text(String field) {
        Object value = payload.get(field);
        return value == null ? null : value.toString();
    }
}

package com.patientcrm.booking;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The hospital marked a visit {@code COMPLETED}: published through the outbox (topic {@link #TOPIC}, one message per
 * appointment, written in the transaction that records the outcome) for whatever follows a visit (surveys).
 */
public record VisitCompleted(UUID appointmentId, UUID patientId, UUID departmentId, UUID doctorId, Instant completedAt) {

    public static final String TOPIC = "appointment.completed";

    /** The outbox payload: ids and the time only. */
    Map<String, Object> payload() {
        return Map.of("appointmentId", appointmentId.toString(), "patientId", patientId.toString(),
                "departmentId", departmentId.toString(), "doctorId", doctorId.toString(),
                "completedAt", completedAt.toString());
    }

    /** Reads a message of {@link #TOPIC} back. */
    public static VisitCompleted of(Map<String, Object> payload) {
        return new VisitCompleted(UUID.fromString((String) payload.get("appointmentId")),
                UUID.fromString((String) payload.get("patientId")), UUID.fromString((String) payload.get("departmentId")),
                UUID.fromString((String) payload.get("doctorId")), Instant.parse((String) payload.get("completedAt")));
    }
}

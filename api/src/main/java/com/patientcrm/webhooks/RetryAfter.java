package com.patientcrm.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.springframework.http.HttpHeaders;

/** Reads a Retry-After header (delay in seconds, or an HTTP date), bounded so a receiver cannot park us for days. */
final class RetryAfter {

    private static final Duration MAX = Duration.ofHours(6);

    private RetryAfter() {
    }

    static Instant parse(HttpHeaders headers, Clock clock) {
        String value = headers.getFirst(HttpHeaders.RETRY_AFTER);
        if (value == null || value.isBlank()) {
            return null;
        }
        Instant now = clock.instant();
        Instant at;
        try {
            at = now.plusSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException notSeconds) {
            try {
                at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (RuntimeException notADate) {
                return null;
            }
        }
        return at.isAfter(now.plus(MAX)) ? now.plus(MAX) : at;
    }
}

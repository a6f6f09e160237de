package com.patientcrm.platform;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How much work the HTTP server takes on: at most {@code maxInFlight} requests at once (0 = no limit; see
 * {@link InFlightLimit}); a request beyond it answers 503 at once, telling the client to try again after
 * {@code retryAfter} to twice that, at random (whole seconds, at least one), so that the refused do not all come back
 * in the same second. {@code streamPaths}: the long-lived Server-Sent Event routes, which hold no place (a GET there
 * would hold one for hours); exact paths, so that no header lets another request past the limit.
 */
@Validated
@ConfigurationProperties("crm.http")
public record HttpProperties(
        @Min(0) int maxInFlight,
        @DefaultValue("1s") Duration retryAfter,
        @DefaultValue("/staff/v1/feedback/stream") List<String> streamPaths) {

    long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}

package com.patientcrm.platform;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How much work the HTTP server takes on: at most {@code maxInFlight} requests at once (0 = no limit; see
 * {@link InFlightLimit}); a request beyond it answers 503 at once, telling the client to try again after
 * {@code retryAfter} (whole seconds, at least one).
 */
@Validated
@ConfigurationProperties("crm.http")
public record HttpProperties(
        @Min(0) int maxInFlight,
        @DefaultValue("1s") Duration retryAfter) {

    long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}

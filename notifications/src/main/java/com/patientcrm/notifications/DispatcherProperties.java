package com.patientcrm.notifications;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The outbox dispatcher ({@code crm.dispatcher.*}). Every instance runs one; they share the work through
 * {@code FOR UPDATE SKIP LOCKED}. A claim lasts {@code lease}: an instance that dies holding claims loses them when
 * it runs out, so it must comfortably exceed {@code handler-timeout}. Failed attempts back off exponentially from
 * {@code initial-backoff} (doubling, with ±20% jitter, at most {@code max-backoff}); after {@code max-attempts} the
 * message is dead. {@code concurrency} bounds the messages in flight on this instance per dispatch lane; {@code lanes}
 * sets it for a lane by name (see {@link OutboxHandler#lane()}).
 */
@Validated
@ConfigurationProperties("crm.dispatcher")
public record DispatcherProperties(boolean enabled, @NotNull Duration pollInterval, @Min(1) @Max(5000) int batchSize,
                                   @Min(1) @Max(1024) int concurrency, @NotNull Duration lease,
                                   @NotNull Duration handlerTimeout, @NotNull Duration initialBackoff,
                                   @NotNull Duration maxBackoff, @Min(1) @Max(1000) int maxAttempts,
                                   @NotNull Duration shutdownGrace, Map<String, @Min(1) @Max(4096) Integer> lanes) {

    public DispatcherProperties {
        lanes = lanes == null ? Map.of() : Map.copyOf(lanes);
    }

    /** Messages in flight at most, per instance, for the handlers of this lane. */
    int concurrencyOf(String lane) {
        return lanes.getOrDefault(lane, concurrency);
    }
}

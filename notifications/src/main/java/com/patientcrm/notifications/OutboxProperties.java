package com.patientcrm.notifications;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The outbox's own settings ({@code crm.outbox.*}). {@code retention}: how long a message stays once it is finished
 * (sent, skipped, cancelled or dead), counted from its last change; {@code 0} keeps every message for ever (a legal
 * hold). At least a day otherwise: a message's dedupe key is forgotten with it, so a cause replayed after that would
 * act again.
 */
@Validated
@ConfigurationProperties("crm.outbox")
public record OutboxProperties(@DefaultValue("180d") Duration retention) {

    public OutboxProperties {
        if (retention.isNegative() || (!retention.isZero() && retention.compareTo(Duration.ofDays(1)) < 0)) {
            throw new IllegalArgumentException("crm.outbox.retention must be 0 (keep for ever) or at least 1d, not "
                    + retention);
        }
    }
}

package com.patientcrm.feedback;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The feedback CRM ({@code crm.feedback.*}).
 *
 * @param sla              how long staff have to resolve a ticket, per priority (LOW, NORMAL, HIGH, URGENT)
 * @param slaCheckEvery    how often the SLA job looks for tickets past their due time
 * @param npsThreshold     a survey NPS answer at or below this opens a ticket (default 6: a detractor)
 * @param ratingThreshold  a survey rating (1–5) at or below this opens a ticket (default 2)
 * @param negativePatterns case-insensitive regular expressions (zh-CN and en) that make free text negative
 * @param urgentPatterns   expressions that make a ticket URGENT whatever else it says (a safety or legal matter)
 * @param streamHeartbeat  how often the staff event stream sends a comment, so proxies keep it open
 * @param webhook          the external CRM's endpoint mirroring ticket events; off when its URL is unset
 */
@Validated
@ConfigurationProperties("crm.feedback")
public record FeedbackProperties(@NotNull Map<Priority, Duration> sla, @NotNull Duration slaCheckEvery,
                                 @Min(0) @Max(10) int npsThreshold, @Min(1) @Max(5) int ratingThreshold,
                                 @NotNull List<String> negativePatterns, @NotNull List<String> urgentPatterns,
                                 @NotNull Duration streamHeartbeat, @Valid @NotNull Webhook webhook) {

    public FeedbackProperties {
        for (Priority priority : Priority.values()) {
            if (!sla.containsKey(priority)) {
                throw new IllegalArgumentException("crm.feedback.sla." + priority + " is not set");
            }
        }
    }

    /**
     * @param url            where ticket events go (Standard Webhooks signatures); null turns the mirror off
     * @param secret         the signing secret, {@code whsec_} followed by base64
     * @param connectTimeout connecting to the receiver
     * @param responseTimeout waiting for its answer
     */
    public record Webhook(URI url, String secret, @NotNull Duration connectTimeout, @NotNull Duration responseTimeout) {

        public Webhook {
            if (url != null && url.toString().isBlank()) {
                url = null;
            }
            if (url != null && (secret == null || !secret.startsWith("whsec_"))) {
                throw new IllegalArgumentException("crm.feedback.webhook.secret must be set (whsec_…) with its url");
            }
        }

        boolean enabled() {
            return url != null;
        }
    }

    /** How urgently staff must act on a ticket. */
    public enum Priority { LOW, NORMAL, HIGH, URGENT }
}

package com.patientcrm.webhooks;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Bodies of the webhook endpoint API. A secret appears only in the answers that create it. */
final class WebhookDtos {

    private WebhookDtos() {
    }

    record EndpointCreate(@NotBlank @Size(max = 2048) String url, @Size(max = 500) String description,
                          @NotEmpty @Size(max = 20) List<@NotNull @Size(max = 64) String> eventTypes) {}

    /** Only the fields sent change. {@code active: true} re-enables an endpoint that was disabled. */
    record EndpointUpdate(@Size(min = 1, max = 2048) String url, @Size(max = 500) String description,
                          @Size(min = 1, max = 20) List<@NotNull @Size(max = 64) String> eventTypes, Boolean active) {}

    record Endpoint(UUID id, String url, String description, List<String> eventTypes, boolean active,
                    String disabledReason, OffsetDateTime createdAt, OffsetDateTime updatedAt) {}

    record CreatedEndpoint(UUID id, String url, String description, List<String> eventTypes, boolean active,
                           OffsetDateTime createdAt, String secret) {

        @Override
        public String toString() {
            return "CreatedEndpoint[id=" + id + ", secret=<redacted>]";
        }
    }

    record RotatedSecret(String secret, OffsetDateTime previousSecretExpiresAt) {

        @Override
        public String toString() {
            return "RotatedSecret[<redacted>]";
        }
    }

    record Endpoints(List<Endpoint> items) {}

    record Attempt(long id, UUID messageId, String eventType, int attempt, boolean succeeded, Integer statusCode,
                   String error, int durationMs, OffsetDateTime attemptedAt) {}

    record Attempts(List<Attempt> items, String nextCursor) {}

    record PingSent(UUID messageId) {}
}

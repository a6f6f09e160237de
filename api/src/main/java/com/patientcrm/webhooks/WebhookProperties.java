package com.patientcrm.webhooks;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Webhook delivery ({@code crm.webhooks.*}). Endpoints must be https unless {@code allow-insecure-http} (local
 * development and tests). A breaker opens for an endpoint after {@code breaker-failures} consecutive failures and
 * lets one attempt through after {@code breaker-open-for}; meanwhile its messages wait instead of using up attempts.
 */
@Validated
@ConfigurationProperties("crm.webhooks")
public record WebhookProperties(boolean allowInsecureHttp, @NotNull Duration connectTimeout,
                                @NotNull Duration responseTimeout, @Min(1) @Max(100) int maxEndpointsPerClient,
                                @NotNull Duration secretRotationOverlap, @Min(1) @Max(100) int breakerFailures,
                                @NotNull Duration breakerOpenFor) {
}

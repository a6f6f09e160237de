package com.patientcrm.feed;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The feed ({@code crm.feed.*}). An article's freshness bonus halves every {@code freshness-half-life} after its
 * publication; a campaign looks at {@code campaign-batch} patients at a time (contact check and outbox write), so
 * a segment of any size never sits in memory at once.
 */
@Validated
@ConfigurationProperties("crm.feed")
public record FeedProperties(@NotNull Duration freshnessHalfLife, @Min(10) @Max(5000) int campaignBatch) {
}

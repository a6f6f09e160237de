package com.patientcrm.reports;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Reports ({@code crm.reports.*}): a report's PDF may be at most {@code max-pdf-bytes} (default 10 MB); it is held in
 * PostgreSQL and in memory while it is uploaded or served, so keep it modest.
 */
@Validated
@ConfigurationProperties("crm.reports")
public record ReportProperties(@NotNull DataSize maxPdfBytes) {
}

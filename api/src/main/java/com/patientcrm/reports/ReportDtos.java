package com.patientcrm.reports;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Reports over HTTP. */
final class ReportDtos {

    private ReportDtos() {}

    /**
     * The hospital's push: a lab report with {@code items}, or an imaging report with {@code imaging}. The patient is
     * ours by id, as the hospital learns it from the appointment feed.
     */
    record HospitalReport(@NotBlank @Size(max = 100) String externalId, @NotNull UUID patientId, UUID appointmentId,
                          @Size(max = 100) String departmentExternalId,
                          @NotNull @Pattern(regexp = "LAB|IMAGING") String kind,
                          @NotBlank @Size(max = 200) String title, @NotNull OffsetDateTime issuedAt,
                          @NotNull @Pattern(regexp = "PRELIMINARY|FINAL|AMENDED|CANCELLED") String status,
                          @NotNull @Min(0) Long version,
                          @Size(min = 1, max = 500) List<@NotNull @Valid LabItem> items, @Valid Imaging imaging) {}

    /** One lab result; {@code abnormal} is null for a normal result. */
    record LabItem(@NotBlank @Size(max = 64) String code, @NotBlank @Size(max = 200) String name,
                   @Size(max = 200) String value, @Size(max = 50) String unit, @Size(max = 100) String referenceRange,
                   @Pattern(regexp = "H|L|A|CRITICAL") String abnormal) {}

    record Imaging(@Size(max = 32) String modality, @Size(max = 200) String bodySite,
                   @Size(max = 20000) String findings, @Size(max = 5000) String impression) {}

    record UpsertResult(UUID id, String externalId, boolean applied, long versionNumber) {}

    record PdfStored(UUID reportId, String externalId, long versionNumber, long sizeBytes, String sha256) {}

    record PdfInfo(long versionNumber, long sizeBytes, OffsetDateTime uploadedAt) {}

    /** A report as the patient reads it: the latest version, flagged, with what the summary says. */
    record Report(UUID id, UUID patientId, UUID appointmentId, String kind, String title, String status,
                  String departmentName, OffsetDateTime issuedAt, long versionNumber, int versionCount, boolean amended,
                  OffsetDateTime amendedAt, int abnormalCount, boolean critical, List<LabItem> items, Imaging imaging,
                  PdfInfo pdf) {}

    /** One stored version, newest first in the history. */
    record ReportVersion(long versionNumber, String status, String title, OffsetDateTime issuedAt,
                         OffsetDateTime receivedAt, int abnormalCount, boolean critical, List<LabItem> items,
                         Imaging imaging) {}

    record Page(List<ReportSummary> items, String nextCursor) {}
}

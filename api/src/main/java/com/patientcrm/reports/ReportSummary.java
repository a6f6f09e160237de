package com.patientcrm.reports;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One report as a list shows it, for the patient's app and for staff views built on {@link Reports#summariesFor}:
 * no results, only how many are abnormal and whether one is critical, so that the app can highlight the report.
 *
 * @param versionNumber the hospital's version of what is shown
 * @param amended       whether a version replaced one the patient could already read; {@code amendedAt} is when
 * @param abnormalCount the items flagged H, L, A or CRITICAL (0 for imaging)
 * @param critical      whether an item is flagged CRITICAL
 */
public record ReportSummary(UUID id, UUID patientId, UUID appointmentId, String kind, String title, String status,
                            String departmentName, OffsetDateTime issuedAt, long versionNumber, boolean amended,
                            OffsetDateTime amendedAt, int abnormalCount, boolean critical, boolean hasPdf) {
}

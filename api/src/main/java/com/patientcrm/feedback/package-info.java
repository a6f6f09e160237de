/**
 * The staff feedback CRM: tickets opened from unhappy survey answers, patients' own complaints, praise and
 * suggestions, and WeChat customer-service messages; staff triage them (assign, note, tag, move through NEW →
 * ASSIGNED → IN_PROGRESS → RESOLVED → CLOSED, reopen), reply to the patient through notifications, and see every
 * change live over Server-Sent Events fed by PostgreSQL NOTIFY (so every instance's staff see every instance's
 * changes). SLA breaches are flagged by a job; an external CRM can mirror ticket events through a signed webhook.
 * Staff work the inbox in the browser console at {@code /staff/} ({@link com.patientcrm.feedback.StaffConsole}: static
 * files under {@code static/staff/} that use the same staff API).
 */
package com.patientcrm.feedback;

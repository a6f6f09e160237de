/**
 * Lab and imaging reports: the hospital's LIS and PACS push each report (upserted by their own id, newest version
 * wins, every version kept), optionally with its PDF; the patient reads their own and their family members' reports,
 * with abnormal results flagged, every read audited, and is told (in generic words) when one is ready or amended.
 */
package com.patientcrm.reports;

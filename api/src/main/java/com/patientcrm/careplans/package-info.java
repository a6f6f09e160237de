/**
 * Follow-up care: plans the hospital pushes or staff apply from a template (a condition, a department, a schedule
 * that recurs or lists its dates), the follow-up reminders each occurrence brings, and recall of patients with an
 * active plan who have not been seen for too long. Reminders are generated one occurrence at a time through the
 * outbox and decided at send time: a plan that ended, or a follow-up the patient already booked, sends nothing.
 */
package com.patientcrm.careplans;

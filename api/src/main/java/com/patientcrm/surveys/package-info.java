/**
 * Satisfaction surveys: staff define versioned surveys (NPS, rating, choice and free-text questions) with a trigger
 * (a completed visit, optionally in one department), a delay, a validity and a recontact limit; a completed visit
 * (booking's {@code appointment.completed} outbox message) invites the patient, at most once per survey and visit
 * and not more often than the recontact limit allows; the patient answers in the app (partial saves, one submit,
 * then read-only) and a submit is published ({@code survey.submitted}) for the feedback CRM. NPS and CSAT are
 * computed in SQL by department or doctor. {@link com.patientcrm.surveys.SurveyResponses} is the facade for other
 * modules.
 */
package com.patientcrm.surveys;

package com.patientcrm.surveys;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A submitted survey answer, for the feedback CRM and the staff 360 view. */
public record SubmittedSurvey(UUID invitationId, UUID surveyId, int surveyVersion, String surveyTitle, UUID patientId,
                              UUID appointmentId, UUID departmentId, UUID doctorId, Instant submittedAt,
                              List<Answer> answers) {

    /** type is one of nps, rating, single_choice, multiple_choice, text */
    public record Answer(String questionId, String type, String question, Integer score, List<String> choices,
                         String text) {}
}

package com.patientcrm.surveys;

import com.patientcrm.platform.Problems;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** The problems of surveys, each with its stable type. */
final class SurveyProblems {

    private SurveyProblems() {}

    /** A survey definition that is well-formed but breaks a rule (options on an NPS question, duplicate ids...). */
    static ErrorResponseException invalidSurvey(List<Map<String, String>> errors) {
        ErrorResponseException e = Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "invalid-survey", "Invalid survey",
                "The survey definition breaks a rule; see errors.");
        e.getBody().setProperty("errors", errors);
        return e;
    }

    static ErrorResponseException invalidAnswers(List<Map<String, String>> errors) {
        ErrorResponseException e = Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "invalid-answers", "Invalid answers",
                "Some answers do not fit their questions; see errors.");
        e.getBody().setProperty("errors", errors);
        return e;
    }

    static ErrorResponseException incomplete(List<String> missing) {
        ErrorResponseException e = Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "survey-incomplete", "Survey incomplete",
                "Every required question needs an answer before the survey can be submitted; see unanswered.");
        e.getBody().setProperty("unanswered", missing);
        return e;
    }

    static ErrorResponseException submitted() {
        return Problems.of(HttpStatus.CONFLICT, "survey-submitted", "Survey already submitted",
                "This survey has been submitted and can no longer be changed.");
    }

    static ErrorResponseException expired() {
        return Problems.of(HttpStatus.GONE, "survey-expired", "Survey expired",
                "This survey invitation has expired and takes no more answers.");
    }

    static ErrorResponseException unknownDepartment() {
        ErrorResponseException e = Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "unknown-reference", "Unknown reference",
                "No such department.");
        e.getBody().setProperty("field", "trigger.departmentId");
        return e;
    }

    static Map<String, String> error(String field, String message) {
        return Map.of("field", field, "message", message);
    }
}

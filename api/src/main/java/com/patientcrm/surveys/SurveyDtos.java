package com.patientcrm.surveys;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Surveys over HTTP. */
final class SurveyDtos {

    static final int TEXT_LIMIT = 2000;

    private SurveyDtos() {}

    /** A survey as staff write it: on create with its {@code code}; an edit may repeat the code but not change it. */
    record Definition(@Pattern(regexp = "[a-z0-9][a-z0-9-]{1,62}") String code,
                      @NotBlank @Size(max = 200) String title,
                      @NotNull @Size(min = 1, max = 50) List<@NotNull @Valid Question> questions,
                      @NotNull @Valid Trigger trigger,
                      @NotNull @Min(0) @Max(3650) Integer recontactDays,
                      @NotNull @Min(1) @Max(365) Integer validDays,
                      Boolean active) {}

    /** A question; {@code id} is stable across versions, {@code options} only for the choice types. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Question(@NotNull @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,39}") String id,
                    @NotNull @Pattern(regexp = "nps|rating|single_choice|multiple_choice|text") String type,
                    @NotBlank @Size(max = 500) String text,
                    Boolean required,
                    @Size(max = 20) List<@NotBlank @Size(max = 200) String> options) {

        boolean isRequired() {
            return required == null || required;
        }

        boolean choice() {
            return "single_choice".equals(type) || "multiple_choice".equals(type);
        }
    }

    /** When a survey invites: {@code delayHours} after a visit (in {@code departmentId}, or any) is completed. */
    record Trigger(@NotNull @Pattern(regexp = "appointment\\.completed") String event, UUID departmentId,
                   @Min(0) @Max(720) Integer delayHours) {}

    record Survey(UUID id, String code, int version, boolean active, String title, List<Question> questions,
                  Trigger trigger, int recontactDays, int validDays, OffsetDateTime createdAt, OffsetDateTime updatedAt) {}

    /** One invitation in the patient's pending list. */
    record Pending(UUID id, UUID surveyId, String title, UUID patientId, UUID appointmentId, String departmentName,
                   String doctorName, OffsetDateTime dueAt, OffsetDateTime expiresAt, int questionCount, int answeredCount) {}

    /** An invitation with its version's questions and the answers saved so far. */
    record Invitation(UUID id, UUID surveyId, int surveyVersion, String title, UUID patientId, UUID appointmentId,
                      String departmentName, String doctorName, String status, OffsetDateTime dueAt,
                      OffsetDateTime expiresAt, OffsetDateTime submittedAt, List<Question> questions,
                      List<AnswerView> answers) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AnswerView(String questionId, Integer score, List<String> choices, String text) {}

    /** A save ({@code submit} false) or the submit; answers replace saved ones per question. */
    record Response(@NotNull @Size(max = 50) List<@NotNull @Valid AnswerInput> answers, boolean submit) {}

    record AnswerInput(@NotNull @Size(min = 1, max = 40) String questionId, Integer score,
                       @Size(max = 20) List<@NotNull @Size(max = 200) String> choices,
                       @Size(max = TEXT_LIMIT) String text) {

        boolean empty() {
            return score == null && (choices == null || choices.isEmpty()) && (text == null || text.isBlank());
        }
    }

    record NpsGroup(UUID id, String name, long responses, long promoters, long passives, long detractors,
                    Double nps) {}

    record NpsReport(String groupBy, LocalDate from, LocalDate to, String timeZone, NpsGroup overall,
                     List<NpsGroup> groups) {}

    record CsatGroup(UUID id, String name, long responses, long satisfied, Double average, Double csat) {}

    record CsatReport(String groupBy, LocalDate from, LocalDate to, String timeZone, CsatGroup overall,
                      List<CsatGroup> groups) {}
}

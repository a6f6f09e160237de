package com.patientcrm.surveys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;

/** The rules of definitions and answers that bean validation cannot express. */
class SurveyRulesTests {

    static final List<SurveyDtos.Question> QUESTIONS = SurveyRules.questions(List.of(
            new SurveyDtos.Question("nps", "nps", "Recommend?", null, null),
            new SurveyDtos.Question("rating", "rating", "Satisfied?", true, null),
            new SurveyDtos.Question("one", "single_choice", "Pick one", false, List.of("a", "b")),
            new SurveyDtos.Question("many", "multiple_choice", "Pick some", false, List.of("a", "b", "c")),
            new SurveyDtos.Question("text", "text", "Anything else?", false, null)));

    @Test
    void questionsAreRequiredUnlessSaidOtherwise() {
        assertThat(QUESTIONS).extracting(SurveyDtos.Question::required).containsExactly(true, true, false, false, false);
    }

    @Test
    void everyBrokenRuleOfADefinitionIsListed() {
        ErrorResponseException e = catchThrowableOfType(ErrorResponseException.class, () -> SurveyRules.questions(List.of(
                new SurveyDtos.Question("q", "nps", "NPS", null, List.of("x", "y")),
                new SurveyDtos.Question("q", "single_choice", "One", null, List.of("only")),
                new SurveyDtos.Question("m", "multiple_choice", "Many", null, List.of("a", "a")))));
        assertThat(e.getStatusCode().value()).isEqualTo(422);
        assertThat(fields(e)).containsExactly("questions[0].options", "questions[1].id", "questions[1].options",
                "questions[2].options");
    }

    @Test
    void answersFitTheirQuestionTypes() {
        assertThatCode(() -> SurveyRules.answers(QUESTIONS, List.of(answer("nps", 10, null, null),
                answer("rating", 1, null, null), answer("one", null, List.of("b"), null),
                answer("many", null, List.of("a", "c"), null), answer("text", null, null, "Thanks"))))
                .doesNotThrowAnyException();
        // An empty answer clears a saved one and is always allowed.
        assertThatCode(() -> SurveyRules.answers(QUESTIONS, List.of(answer("rating", null, null, null))))
                .doesNotThrowAnyException();
    }

    @Test
    void answersThatDoNotFitAreAllListed() {
        ErrorResponseException e = catchThrowableOfType(ErrorResponseException.class, () -> SurveyRules.answers(QUESTIONS,
                List.of(answer("nps", 11, null, null), answer("rating", 0, null, null),
                        answer("one", null, List.of("a", "b"), null), answer("many", null, List.of("a", "z"), null),
                        answer("text", 3, null, "x"), answer("nps", 5, null, null), answer("other", 1, null, null))));
        assertThat(fields(e)).containsExactly("answers[0].score", "answers[1].score", "answers[2].choices",
                "answers[3].choices", "answers[4]", "answers[5].questionId", "answers[6].questionId");
    }

    private static SurveyDtos.AnswerInput answer(String question, Integer score, List<String> choices, String text) {
        return new SurveyDtos.AnswerInput(question, score, choices, text);
    }

    @SuppressWarnings("unchecked")
    private static List<String> fields(ErrorResponseException e) {
        return ((List<Map<String, String>>) e.getBody().getProperties().get("errors")).stream()
                .map(error -> error.get("field")).toList();
    }
}

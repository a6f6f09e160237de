package com.patientcrm.surveys;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The rules bean validation cannot express: a definition's questions against each other, and answers against their
 * questions. Each collects every error, so one round trip shows them all.
 */
final class SurveyRules {

    private SurveyRules() {}

    /** The definition's questions, normalised for storage ({@code required} resolved); or an invalid-survey problem. */
    static List<SurveyDtos.Question> questions(List<SurveyDtos.Question> questions) {
        List<Map<String, String>> errors = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < questions.size(); i++) {
            SurveyDtos.Question q = questions.get(i);
            String at = "questions[" + i + "]";
            if (!ids.add(q.id())) {
                errors.add(SurveyProblems.error(at + ".id", "duplicates another question's id"));
            }
            List<String> options = q.options() == null ? List.of() : q.options();
            if (q.choice() && options.size() < 2) {
                errors.add(SurveyProblems.error(at + ".options", "a choice question needs at least two options"));
            } else if (!q.choice() && q.options() != null) {
                errors.add(SurveyProblems.error(at + ".options", "only choice questions have options"));
            }
            if (options.stream().distinct().count() < options.size()) {
                errors.add(SurveyProblems.error(at + ".options", "options must be distinct"));
            }
        }
        if (!errors.isEmpty()) {
            throw SurveyProblems.invalidSurvey(errors);
        }
        return questions.stream().map(q -> new SurveyDtos.Question(q.id(), q.type(), q.text(), q.isRequired(),
                q.choice() ? List.copyOf(q.options()) : null)).toList();
    }

    /** Checks answers against the version's questions; throws an invalid-answers problem listing every mismatch. */
    static void answers(List<SurveyDtos.Question> questions, List<SurveyDtos.AnswerInput> answers) {
        Map<String, SurveyDtos.Question> byId = questions.stream()
                .collect(Collectors.toMap(SurveyDtos.Question::id, Function.identity()));
        List<Map<String, String>> errors = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < answers.size(); i++) {
            SurveyDtos.AnswerInput a = answers.get(i);
            String at = "answers[" + i + "]";
            SurveyDtos.Question q = byId.get(a.questionId());
            if (q == null) {
                errors.add(SurveyProblems.error(at + ".questionId", "is not a question of this survey"));
            } else if (!seen.add(a.questionId())) {
                errors.add(SurveyProblems.error(at + ".questionId", "is answered twice"));
            } else if (!a.empty()) {
                check(q, a, at, errors);
            }
        }
        if (!errors.isEmpty()) {
            throw SurveyProblems.invalidAnswers(errors);
        }
    }

    private static void check(SurveyDtos.Question q, SurveyDtos.AnswerInput a, String at, List<Map<String, String>> errors) {
        boolean hasChoices = a.choices() != null && !a.choices().isEmpty();
        boolean hasText = a.text() != null && !a.text().isBlank();
        switch (q.type()) {
            case "nps", "rating" -> {
                int min = "nps".equals(q.type()) ? 0 : 1;
                int max = "nps".equals(q.type()) ? 10 : 5;
                if (a.score() == null || a.score() < min || a.score() > max) {
                    errors.add(SurveyProblems.error(at + ".score", "must be a whole number from " + min + " to " + max));
                }
                if (hasChoices || hasText) {
                    errors.add(SurveyProblems.error(at, "a " + q.type() + " question takes a score only"));
                }
            }
            case "single_choice", "multiple_choice" -> {
                if (!hasChoices) {
                    errors.add(SurveyProblems.error(at + ".choices", "choose among the question's options"));
                } else if ("single_choice".equals(q.type()) && a.choices().size() != 1) {
                    errors.add(SurveyProblems.error(at + ".choices", "choose exactly one option"));
                } else if (!q.options().containsAll(a.choices())) {
                    errors.add(SurveyProblems.error(at + ".choices", "must be among the question's options"));
                } else if (a.choices().stream().distinct().count() < a.choices().size()) {
                    errors.add(SurveyProblems.error(at + ".choices", "must not repeat an option"));
                }
                if (a.score() != null || hasText) {
                    errors.add(SurveyProblems.error(at, "a choice question takes choices only"));
                }
            }
            default -> {
                if (!hasText) {
                    errors.add(SurveyProblems.error(at + ".text", "must not be blank"));
                }
                if (a.score() != null || hasChoices) {
                    errors.add(SurveyProblems.error(at, "a text question takes text only"));
                }
            }
        }
    }
}

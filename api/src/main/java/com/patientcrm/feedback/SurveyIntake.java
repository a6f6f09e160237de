package com.patientcrm.feedback;

import com.patientcrm.feedback.FeedbackProperties.Priority;
import com.patientcrm.notifications.OutboxEntry;
import com.patientcrm.notifications.OutboxHandler;
import com.patientcrm.notifications.Outcome;
import com.patientcrm.surveys.SubmittedSurvey;
import com.patientcrm.surveys.SurveyResponses;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Opens a ticket for an unhappy survey answer: an NPS score at or below {@code nps-threshold}, a rating at or below
 * {@code rating-threshold}, or a comment with negative words. A happy answer opens nothing. The ticket quotes the
 * low answers and every comment, so staff see at once what went wrong; one ticket per invitation, however often
 * the message is delivered.
 */
@Component
class SurveyIntake implements OutboxHandler {

    private final SurveyResponses responses;
    private final Tickets tickets;
    private final Sentiment sentiment;
    private final FeedbackProperties properties;

    SurveyIntake(SurveyResponses responses, Tickets tickets, Sentiment sentiment, FeedbackProperties properties) {
        this.responses = responses;
        this.tickets = tickets;
        this.sentiment = sentiment;
        this.properties = properties;
    }

    @Override
    public Set<String> topics() {
        return Set.of(SurveyResponses.SUBMITTED_TOPIC);
    }

    @Override
    public Mono<Outcome> handle(OutboxEntry entry) {
        UUID invitation = UUID.fromString(entry.text("invitationId"));
        return responses.submitted(invitation)
                .flatMap(survey -> {
                    Assessment assessment = assess(survey);
                    if (!assessment.negative()) {
                        return Mono.just(Outcome.skipped("a satisfied answer"));
                    }
                    Tickets.Opening opening = new Tickets.Opening(survey.patientId(), null, "survey",
                            invitation.toString(), "survey", assessment.priority(), true,
                            Subjects.from(survey.surveyTitle() + ": " + assessment.headline()),
                            String.join("\n", assessment.lines()), survey.appointmentId(), survey.departmentId(),
                            survey.doctorId());
                    return tickets.open(opening, new Tickets.By("system", null)).thenReturn(Outcome.done());
                })
                .defaultIfEmpty(Outcome.skipped("the answer is gone (erased) or was never submitted"));
    }

    record Assessment(boolean negative, Priority priority, String headline, List<String> lines) {}

    Assessment assess(SubmittedSurvey survey) {
        List<String> lines = new ArrayList<>();
        boolean low = false;
        boolean veryLow = false;
        boolean urgent = false;
        boolean unhappyWords = false;
        String headline = null;
        for (SubmittedSurvey.Answer answer : survey.answers()) {
            String question = answer.question() == null ? answer.questionId() : answer.question();
            if (answer.score() != null && "nps".equals(answer.type())) {
                lines.add(question + ": " + answer.score() + "/10");
                if (answer.score() <= properties.npsThreshold()) {
                    low = true;
                    veryLow |= answer.score() <= properties.npsThreshold() / 2;
                    headline = headline != null ? headline : "NPS " + answer.score();
                }
            } else if (answer.score() != null && "rating".equals(answer.type())) {
                lines.add(question + ": " + answer.score() + "/5");
                if (answer.score() <= properties.ratingThreshold()) {
                    low = true;
                    veryLow |= answer.score() == 1;
                    headline = headline != null ? headline : "rating " + answer.score() + "/5";
                }
            } else if (answer.text() != null && !answer.text().isBlank()) {
                lines.add(question + ": " + answer.text().strip());
                urgent |= sentiment.urgent(answer.text());
                if (sentiment.negative(answer.text())) {
                    unhappyWords = true;
                    headline = headline != null ? headline : Subjects.from(answer.text());
                }
            } else if (answer.choices() != null && !answer.choices().isEmpty()) {
                lines.add(question + ": " + String.join(", ", answer.choices()));
            }
        }
        boolean negative = low || unhappyWords || urgent;
        Priority priority = urgent ? Priority.URGENT : veryLow ? Priority.HIGH : Priority.NORMAL;
        return new Assessment(negative, priority, headline == null ? "unhappy answer" : headline, lines);
    }
}

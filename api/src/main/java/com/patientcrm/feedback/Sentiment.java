package com.patientcrm.feedback;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Reads free text for the two things that change how a ticket is handled: is the patient unhappy (a negative ticket
 * alerts managers), and does it raise a safety or legal matter (urgent). A configurable list of expressions in
 * zh-CN and en, not a model: staff can see and change why a ticket was flagged, and it costs nothing per message.
 */
@Component
class Sentiment {

    private final List<Pattern> negative;
    private final List<Pattern> urgent;

    Sentiment(FeedbackProperties properties) {
        this.negative = compile(properties.negativePatterns());
        this.urgent = compile(properties.urgentPatterns());
    }

    boolean negative(String text) {
        return matchesAny(negative, text);
    }

    boolean urgent(String text) {
        return matchesAny(urgent, text);
    }

    private static boolean matchesAny(List<Pattern> patterns, String text) {
        if (text == null || text.isBlank()) {
            return false;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        return patterns.stream().anyMatch(p -> p.matcher(lower).find());
    }

    private static List<Pattern> compile(List<String> expressions) {
        return expressions.stream()
                .map(e -> Pattern.compile(e, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE))
                .toList();
    }
}

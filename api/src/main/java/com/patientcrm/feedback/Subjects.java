package com.patientcrm.feedback;

/** A ticket's subject when nobody gave one: the start of what the patient wrote, on one line. */
final class Subjects {

    static final int LENGTH = 60;

    private Subjects() {
    }

    static String from(String text) {
        if (text == null || text.isBlank()) {
            return "(no text)";
        }
        String line = text.strip().replaceAll("\\s+", " ");
        if (line.codePointCount(0, line.length()) <= LENGTH) {
            return line;
        }
        // Cut on a code point, never inside a surrogate pair (emoji).
        return line.substring(0, line.offsetByCodePoints(0, LENGTH - 1)) + "…";
    }
}

package com.patientcrm.reports;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * The position after the last report of a page ordered by (issued_at, id) descending, as an opaque cursor, in the
 * style of the inbox's: keyed on the row, in microseconds as PostgreSQL stores them.
 */
record ReportCursor(Instant at, UUID id) {

    String encode() {
        long micros = at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((micros + "." + id).getBytes(StandardCharsets.US_ASCII));
    }

    /** Empty for anything that is not a cursor {@link #encode} gave out. */
    static java.util.Optional<ReportCursor> decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            int dot = text.indexOf('.');
            long micros = Long.parseLong(text.substring(0, dot));
            return java.util.Optional.of(new ReportCursor(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                    Math.floorMod(micros, 1_000_000L) * 1_000L), UUID.fromString(text.substring(dot + 1))));
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}

package com.patientcrm.notifications;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * The position after the last item of a page ordered by (created_at, id) descending, as an opaque cursor. Keyed on
 * the row rather than an offset, so a page boundary stays put however many rows arrive meanwhile. Microseconds,
 * as PostgreSQL stores them, so the next page starts exactly after the item.
 */
record PageCursor(Instant at, UUID id) {

    String encode() {
        long micros = at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((micros + "." + id).getBytes(StandardCharsets.US_ASCII));
    }

    /** Throws a RuntimeException for anything that is not a cursor {@link #encode} gave out. */
    static PageCursor decode(String cursor) {
        String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
        int dot = text.indexOf('.');
        long micros = Long.parseLong(text.substring(0, dot));
        return new PageCursor(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1_000L), UUID.fromString(text.substring(dot + 1)));
    }
}

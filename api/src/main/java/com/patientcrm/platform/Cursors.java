package com.patientcrm.platform;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Opaque page cursors: the values of the last item's sort key, joined and base64url-encoded. Times travel as epoch
 * microseconds, as PostgreSQL stores them, so the next page starts exactly after the item.
 */
public final class Cursors {

    private Cursors() {}

    public static String encode(String... parts) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(String.join("|", parts).getBytes(StandardCharsets.UTF_8));
    }

    /** The parts of a cursor this API gave out; a 400 on field {@code cursor} for anything else. */
    public static String[] decode(String cursor, int parts) {
        try {
            String[] split = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", -1);
            if (split.length == parts) {
                return split;
            }
        } catch (IllegalArgumentException e) {
            // falls through to the problem below
        }
        throw invalid();
    }

    public static String micros(Instant at) {
        return Long.toString(at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000);
    }

    public static Instant instant(String micros) {
        try {
            long value = Long.parseLong(micros);
            return Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1_000L);
        } catch (NumberFormatException e) {
            throw invalid();
        }
    }

    /** A cursor part that names a row by its id; a 400 on field {@code cursor} for anything else. */
    public static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    public static RuntimeException invalid() {
        return Problems.invalidField("cursor", "is not a cursor this API gave out");
    }
}

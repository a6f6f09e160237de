package com.patientcrm.patients;

import java.util.regex.Pattern;

/** Mainland China resident identity numbers (GB 11643): 17 digits and an ISO 7064 MOD 11-2 check character. */
final class NationalIds {

    private static final Pattern SHAPE = Pattern.compile("[1-9][0-9]{16}[0-9X]");
    private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    private static final char[] CHECK = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

    private NationalIds() {
    }

    /** The canonical form (upper-case X), or null when the number is malformed or its check character is wrong. */
    static String normalize(String raw) {
        if (raw == null) {
            return null;
        }
        String id = raw.trim().toUpperCase(java.util.Locale.ROOT);
        if (!SHAPE.matcher(id).matches()) {
            return null;
        }
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += (id.charAt(i) - '0') * WEIGHTS[i];
        }
        return CHECK[sum % 11] == id.charAt(17) ? id : null;
    }

    /** For anyone but the owner: the first and last four characters only. */
    static String mask(String id) {
        return id == null ? null : id.substring(0, 4) + "*".repeat(id.length() - 8) + id.substring(id.length() - 4);
    }
}

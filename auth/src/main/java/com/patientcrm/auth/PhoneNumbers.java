package com.patientcrm.auth;

import java.util.regex.Pattern;

/** Phone numbers in one canonical form (E.164, mainland China assumed for bare 11-digit mobiles) before hashing. */
public final class PhoneNumbers {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern CN_MOBILE = Pattern.compile("1[3-9][0-9]{9}");

    private PhoneNumbers() {
    }

    /** The canonical form, or null when the input is not a phone number we accept. */
    public static String normalize(String raw) {
        if (raw == null) {
            return null;
        }
        String compact = raw.replaceAll("[\\s()-]", "");
        if (compact.startsWith("00")) {
            compact = "+" + compact.substring(2);
        }
        if (CN_MOBILE.matcher(compact).matches()) {
            return "+86" + compact;
        }
        return E164.matcher(compact).matches() ? compact : null;
    }

    /** For display to someone other than the owner: keeps the country code and the last four digits. */
    public static String mask(String canonical) {
        if (canonical == null || canonical.length() < 8) {
            return canonical == null ? null : "****";
        }
        String tail = canonical.substring(canonical.length() - 4);
        String head = canonical.startsWith("+86") ? "+86" : canonical.substring(0, 2);
        return head + "*".repeat(canonical.length() - head.length() - 4) + tail;
    }
}

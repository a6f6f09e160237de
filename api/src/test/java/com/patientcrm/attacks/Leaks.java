package com.patientcrm.attacks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * What must never be in an answer: WeChat identifiers and session keys, passwords, secrets, tokens, keyed hashes,
 * person keys, claim tokens, and national ID numbers in the clear. A few answers exist to hand out one of these to
 * the one caller entitled to it; they are listed here with the reason, and nowhere else is the name allowed.
 */
final class Leaks {

    /** Matched against a property name lower-cased with separators removed ("session_key" and "sessionKey" alike). */
    private static final Pattern FORBIDDEN = Pattern.compile(
            "openid|unionid|sessionkey|secret|password|token|personkey|nationalid|claimtoken|hash|privatekey|apikey|credential");

    /**
     * Contract schemas whose property carries a name above on purpose. Token responses are what sign-in is for; a
     * webhook endpoint's secret is shown once, to the client that owns it, when it is created or rotated (the
     * Standard Webhooks way: the receiver needs it to verify signatures); a patient sees their own and their family
     * members' ID numbers, which they typed in and may correct. Staff views mask the number (checked on the values).
     */
    static final Map<String, String> INTENDED_IN_SCHEMAS = Map.of(
            "TokenResponse.access_token", "the sign-in answer",
            "TokenResponse.refresh_token", "the sign-in answer",
            "TokenResponse.token_type", "the sign-in answer (the word Bearer)",
            "CreatedWebhookEndpoint.secret", "shown once to the owning client",
            "RotatedWebhookSecret.secret", "shown once to the owning client",
            "RotatedWebhookSecret.previousSecretExpiresAt", "a time, not a secret",
            "Profile.nationalId", "the patient's own, as they entered it",
            "FamilyMember.nationalId", "the patient's family member's, as they entered it",
            "Patient360.profile.nationalId", "masked: last four characters only");

    /** The same on real answers, by request path. */
    private static final List<Map.Entry<Pattern, Pattern>> INTENDED_IN_ANSWERS = List.of(
            // Proving a phone may merge two accounts into one: the answer is a new sign-in.
            Map.entry(Pattern.compile("/api/v1/auth/.*|/oauth2/token|/api/v1/me/phone/wechat"), Pattern.compile("access_token|refresh_token|token_type")),
            Map.entry(Pattern.compile("/integration/v1/webhook-endpoints(/[^/]+/rotate-secret)?"),
                    Pattern.compile("secret|previousSecretExpiresAt")),
            Map.entry(Pattern.compile("/api/v1/me|/api/v1/me/family-members(/[^/]+)?|/api/v1/me/data-export/[^/]+/download"),
                    Pattern.compile("nationalId")));

    private Leaks() {
    }

    static boolean forbidden(String propertyName) {
        return FORBIDDEN.matcher(propertyName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "")).find();
    }

    /** Each property of the answer that should not be there, as {@code $.a.b: why}. */
    static List<String> inAnswer(String path, JsonNode body) {
        List<String> found = new ArrayList<>();
        walk(path, body, "$", found);
        return found;
    }

    private static void walk(String path, JsonNode node, String at, List<String> found) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(path, node.get(i), at + "[" + i + "]", found);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            String name = property.getKey();
            JsonNode value = property.getValue();
            if (forbidden(name) && !intended(path, name) && !maskedIdNumber(name, value)) {
                found.add(at + "." + name);
            }
            walk(path, value, at + "." + name, found);
        }
    }

    private static boolean intended(String path, String name) {
        return INTENDED_IN_ANSWERS.stream()
                .anyMatch(rule -> rule.getKey().matcher(path).matches() && rule.getValue().matcher(name).matches());
    }

    /** A staff view's national ID number: null, or every character but the last four hidden. */
    private static boolean maskedIdNumber(String name, JsonNode value) {
        return name.equals("nationalId") && (value.isNull() || value.isString() && value.asString().matches("\\*+.{0,4}"));
    }
}

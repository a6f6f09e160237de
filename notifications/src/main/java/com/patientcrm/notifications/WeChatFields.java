package com.patientcrm.notifications;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fills a subscribe-message template's keys from a notice, within WeChat's per-type limits (the type is the key
 * without its number: {@code thing1} is a {@code thing}). A value too long is cut on a character boundary (never
 * inside a surrogate pair) and ends with an ellipsis, because WeChat rejects the whole message (47003) otherwise.
 */
final class WeChatFields {

    private static final Map<String, Integer> LIMITS = Map.of(
            "thing", 20, "name", 10, "phrase", 5, "character_string", 32, "number", 32, "letter", 32,
            "symbol", 5, "phone_number", 17, "car_number", 8, "amount", 32);

    private WeChatFields() {}

    static Map<String, String> fill(NotificationProperties.Template template, Notice notice) {
        Map<String, String> data = new LinkedHashMap<>();
        template.fields().forEach((key, source) -> {
            String raw = source.length() >= 2 && source.startsWith("\"") && source.endsWith("\"")
                    ? source.substring(1, source.length() - 1) : notice.fields().get(source);
            data.put(key, fit(key, raw == null || raw.isBlank() ? "-" : raw));
        });
        return data;
    }

    static String fit(String key, String value) {
        Integer limit = LIMITS.get(key.replaceAll("\\d+$", ""));
        if (limit == null || value.codePointCount(0, value.length()) <= limit) {
            return value;
        }
        int end = value.offsetByCodePoints(0, limit - 1);
        return value.substring(0, end) + "…";
    }
}

package com.patientcrm.notifications;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What to tell a patient about one outbox message, as composed at send time by the module that owns the facts.
 *
 * @param category  what it is about, for the contact check and the inbox
 * @param template  the wording to use ({@link NoticeTexts}), e.g. {@code appointment_reminder}
 * @param fields    the facts the wording and the WeChat template fields draw on, e.g. {@code doctorName},
 *                  {@code departmentName}, {@code start} (local time, formatted), {@code patientName}
 * @param deepLink  the mini-program page or app route that shows the subject, e.g.
 *                  {@code pages/appointment/detail?id=...}
 * @param expiresAt after this it is not sent at all (an appointment that has started); null for never
 */
public record Notice(Category category, String template, Map<String, String> fields, String deepLink, Instant expiresAt) {

    public Notice {
        Objects.requireNonNull(category);
        Objects.requireNonNull(template);
        fields = Map.copyOf(fields);
    }
}

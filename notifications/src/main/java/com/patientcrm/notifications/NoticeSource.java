package com.patientcrm.notifications;

import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * A module whose outbox messages become notifications to patients (booking: reminders and changes; the waitlist:
 * offers). The notifier asks it at send time, not when the message was written, so a cancelled or started
 * appointment is never announced: {@link #compose} answers empty when the message no longer applies.
 */
public interface NoticeSource {

    Set<String> topics();

    Mono<Notice> compose(OutboxEntry entry);

    /**
     * What a topic's messages are about, for staff looking at the message history: a notice is composed only when
     * its message is sent, so a queued or withdrawn message has none to ask. Empty when a topic's messages vary.
     */
    default Optional<Category> category(String topic) {
        return Optional.empty();
    }
}

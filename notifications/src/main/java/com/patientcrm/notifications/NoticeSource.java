package com.patientcrm.notifications;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import reactor.core.publisher.Flux;
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
     * {@link #compose} for a batch of this source's messages, by message id; a message that no longer applies is
     * absent from the answer. This default composes one by one: a source with many messages should use one query.
     */
    default Mono<Map<UUID, Notice>> composeAll(List<OutboxEntry> entries) {
        return Flux.fromIterable(entries)
                .flatMap(entry -> compose(entry).map(notice -> Map.entry(entry.id(), notice)), 8)
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    /**
     * What a topic's messages are about, for staff looking at the message history: a notice is composed only when
     * its message is sent, so a queued or withdrawn message has none to ask. Empty when a topic's messages vary.
     */
    default Optional<Category> category(String topic) {
        return Optional.empty();
    }
}

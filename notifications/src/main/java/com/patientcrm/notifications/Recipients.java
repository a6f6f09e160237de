package com.patientcrm.notifications;

import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Finds who receives a patient's messages; implemented by the application, which owns accounts and family links.
 * Empty when nobody does any more (the patient was erased).
 */
public interface Recipients {

    Mono<Recipient> of(UUID patientId);

    /**
     * {@link #of} for many patients at once (the notifier asks for a whole batch of messages); a patient nobody
     * receives for is absent from the answer. This default asks one by one: implementations should use one query.
     */
    default Mono<Map<UUID, Recipient>> ofAll(Collection<UUID> patientIds) {
        return Flux.fromIterable(patientIds).distinct()
                .concatMap(id -> of(id).map(recipient -> Map.entry(id, recipient)))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }
}

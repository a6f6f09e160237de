package com.patientcrm.notifications;

import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * May we contact this patient, about this, on this channel, now? Asked at send time, not only when a message is
 * scheduled, because consent can be withdrawn and preferences changed in between. Declared here and implemented by
 * the application, which owns consent; this module never imports it.
 */
public interface ContactPolicy {

    Mono<ContactDecision> mayContact(UUID patientId, Category category, Channel channel, Instant at);

    /**
     * The decision for every channel at once, for a sender that may try several: an implementation should look at
     * consent and preferences once. This default asks channel by channel.
     */
    default Mono<Map<Channel, ContactDecision>> mayContactOn(UUID patientId, Category category, Instant at) {
        return Flux.fromArray(Channel.values())
                .concatMap(channel -> mayContact(patientId, category, channel, at).map(decision -> Map.entry(channel, decision)))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, () -> new EnumMap<>(Channel.class));
    }

    /** One patient and what a message to them is about. */
    record Ask(UUID patientId, Category category) {}

    /**
     * {@link #mayContactOn} for many patients at once (the notifier decides a whole batch of messages together).
     * This default asks one by one: an implementation should look at consent and preferences once for all.
     */
    default Mono<Map<Ask, Map<Channel, ContactDecision>>> mayContactOnAll(Collection<Ask> asks, Instant at) {
        return Flux.fromIterable(asks).distinct()
                .concatMap(ask -> mayContactOn(ask.patientId(), ask.category(), at).map(decisions -> Map.entry(ask, decisions)))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }
}

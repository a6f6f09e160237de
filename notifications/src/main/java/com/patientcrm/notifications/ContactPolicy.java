package com.patientcrm.notifications;

import java.time.Instant;
import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * May we contact this patient, about this, on this channel, now? Asked at send time, not only when a message is
 * scheduled, because consent can be withdrawn and preferences changed in between. Declared here and implemented by
 * the application, which owns consent; this module never imports it.
 */
public interface ContactPolicy {

    Mono<ContactDecision> mayContact(UUID patientId, Category category, Channel channel, Instant at);
}

package com.patientcrm.notifications;

import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Carries out the messages of some outbox topics. Any module may implement it (as a Spring bean); the dispatcher
 * claims only due messages of topics some handler declares, so a topic nobody handles yet simply waits.
 *
 * <p>Delivery is at least once: a handler may see a message again after a crash or an expired lease, so its effect
 * must be idempotent on {@link OutboxEntry#id()} (webhooks send it as {@code webhook-id} for the receiver to
 * deduplicate). A handler must not block; an error it signals counts as a transient failure.
 */
public interface OutboxHandler {

    Set<String> topics();

    Mono<Outcome> handle(OutboxEntry entry);
}

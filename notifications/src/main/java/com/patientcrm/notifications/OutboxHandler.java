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

    /**
     * The dispatch lane: the handlers of one lane share its number of messages in flight
     * ({@code crm.dispatcher.lanes.<lane>}, else {@code crm.dispatcher.concurrency}), so that a lane of many quick
     * messages (notifications) can run hundreds at once without letting as many webhooks loose on a hospital.
     */
    default String lane() {
        return "default";
    }

    Mono<Outcome> handle(OutboxEntry entry);
}

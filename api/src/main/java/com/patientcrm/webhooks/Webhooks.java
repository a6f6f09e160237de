package com.patientcrm.webhooks;

import com.patientcrm.notifications.Outbox;
import com.patientcrm.notifications.OutboxMessage;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Publishes webhook events. Call it inside the transaction of the change: the event is stored with it (outbox
 * topic {@code webhook.<type>}) and delivered after commit to every endpoint subscribed to the type at that time.
 * The data must be the event's facts as of the change; no names, phone numbers or ID numbers go in it.
 */
@Component
public class Webhooks {

    public static final String APPOINTMENT_BOOKED = "appointment.booked";
    public static final String APPOINTMENT_CANCELLED = "appointment.cancelled";
    public static final String APPOINTMENT_RESCHEDULED = "appointment.rescheduled";
    /** What an endpoint can subscribe to. {@code ping} (a test event one client sends itself) is not listed. */
    public static final List<String> EVENT_TYPES = List.of(APPOINTMENT_BOOKED, APPOINTMENT_CANCELLED, APPOINTMENT_RESCHEDULED);
    static final String PING = "ping";
    static final String TOPIC_PREFIX = "webhook.";

    private final Outbox outbox;
    private final Clock clock;

    Webhooks(Outbox outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    /** {@code dedupeKey} identifies the change (a replay of it publishes nothing new); {@code subjectId} what it is about. */
    public Mono<Void> publish(String type, String dedupeKey, UUID subjectId, Map<String, Object> data) {
        return outbox.enqueue(event(type, dedupeKey, subjectId, data));
    }

    /** The event as an outbox message, for a caller that writes it together with its own messages in one statement. */
    public OutboxMessage event(String type, String dedupeKey, UUID subjectId, Map<String, Object> data) {
        return message(type, dedupeKey, subjectId, data, null);
    }

    private OutboxMessage message(String type, String dedupeKey, UUID subjectId, Map<String, Object> data, UUID onlyEndpoint) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", type);
        payload.put("data", data);
        if (onlyEndpoint != null) {
            payload.put("endpointId", onlyEndpoint.toString());
        }
        return new OutboxMessage(TOPIC_PREFIX + type, TOPIC_PREFIX + dedupeKey, null, subjectId, payload, clock.instant());
    }

    /** A test event for one endpoint; answers its message id (the webhook-id the endpoint will see). */
    Mono<UUID> ping(UUID endpointId) {
        return outbox.enqueueForId(message(PING, "ping:" + UUID.randomUUID(), endpointId,
                Map.of("endpointId", endpointId.toString()), endpointId));
    }
}

package com.patientcrm.feedback;

import com.patientcrm.notifications.OutboxEntry;
import com.patientcrm.notifications.OutboxHandler;
import com.patientcrm.notifications.Outcome;
import com.standardwebhooks.Webhook;
import io.netty.channel.ChannelOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Mirrors ticket events to the hospital's external CRM ({@code crm.feedback.webhook.url}), signed per Standard
 * Webhooks with {@code webhook-id} = the outbox message id, the same on every retry. The body is composed when it is
 * sent, from the ticket as it is then: an erased patient's words are never sent after the erasure. A 2xx is done;
 * anything else retries with the dispatcher's backoff until it becomes a dead letter staff can resend.
 *
 * <p>Body: {@code {"type": "ticket.<change>", "timestamp": ..., "data": {"ticket": {...}, "event": {...}}}}.
 */
@Component
class FeedbackWebhook implements OutboxHandler {

    private static final Logger log = LoggerFactory.getLogger(FeedbackWebhook.class);

    private final Tickets tickets;
    private final FeedbackProperties.Webhook config;
    private final JsonMapper json;
    private final Clock clock;
    private final WebClient http;

    FeedbackWebhook(Tickets tickets, FeedbackProperties properties, JsonMapper json, Clock clock) {
        this.tickets = tickets;
        this.config = properties.webhook();
        this.json = json;
        this.clock = clock;
        this.http = WebClient.builder().clientConnector(new ReactorClientHttpConnector(HttpClient.create()
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                        .responseTimeout(config.responseTimeout())
                        .followRedirect(false)
                        // Reactor Netty resends a request once when its pooled connection is reset, even after the
                        // receiver has taken it: a delivery nobody logged. The outbox retries, with the same id.
                        .disableRetry(true)))
                .build();
    }

    @Override
    public Set<String> topics() {
        return Set.of(Tickets.WEBHOOK_TOPIC);
    }

    @Override
    public Mono<Outcome> handle(OutboxEntry entry) {
        if (!config.enabled()) {
            return Mono.just(Outcome.skipped("no external CRM webhook is configured"));
        }
        UUID ticketId = UUID.fromString(entry.text("ticketId"));
        long eventId = Long.parseLong(entry.text("eventId"));
        return tickets.find(ticketId)
                .flatMap(ticket -> tickets.history(ticketId).filter(event -> event.id() == eventId).next()
                        .map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                        .map(event -> {
                            Map<String, Object> data = new LinkedHashMap<>();
                            data.put("ticket", ticket);
                            data.put("event", event.orElse(null));
                            Map<String, Object> body = new LinkedHashMap<>();
                            body.put("type", "ticket." + entry.text("change"));
                            body.put("timestamp", entry.createdAt().toString());
                            body.put("data", data);
                            return json.writeValueAsString(body);
                        }))
                .flatMap(body -> send(entry, body))
                .defaultIfEmpty(Outcome.skipped("the ticket no longer exists"));
    }

    private Mono<Outcome> send(OutboxEntry entry, String body) {
        long timestamp = clock.instant().getEpochSecond();
        String signature;
        try {
            signature = new Webhook(config.secret()).sign(entry.id().toString(), timestamp, body);
        } catch (Exception e) {
            return Mono.just(Outcome.dead("could not sign: " + e.getClass().getSimpleName()));
        }
        return http.post().uri(config.url())
                .contentType(MediaType.APPLICATION_JSON)
                .header("webhook-id", entry.id().toString())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signature)
                .header("User-Agent", "PatientCRM-Webhooks/1")
                .bodyValue(body)
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
                .map(status -> status >= 200 && status < 300 ? Outcome.done()
                        : Outcome.retry("the external CRM answered " + status))
                .onErrorResume(e -> {
                    log.info("External CRM webhook {} failed: {}", entry.id(), e.getClass().getSimpleName());
                    return Mono.just(Outcome.retry("could not reach the external CRM (" + e.getClass().getSimpleName() + ")"));
                });
    }
}

package com.patientcrm.feedback;

import com.patientcrm.feedback.FeedbackProperties.Priority;
import com.patientcrm.notifications.InboundMessage;
import com.patientcrm.notifications.OutboxEntry;
import com.patientcrm.notifications.OutboxHandler;
import com.patientcrm.notifications.Outcome;
import java.util.Set;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Turns patients' WeChat customer-service messages into tickets. A patient's further messages join their open
 * WeChat ticket as the conversation goes on; a sender without an account here gets a ticket per message (we keep no
 * openid to thread them by). Chat events (entering the chat) open nothing. Idempotent on the outbox message.
 */
@Component
class WeChatIntake implements OutboxHandler {

    private final Tickets tickets;
    private final Sentiment sentiment;

    WeChatIntake(Tickets tickets, Sentiment sentiment) {
        this.tickets = tickets;
        this.sentiment = sentiment;
    }

    @Override
    public Set<String> topics() {
        return Set.of(InboundMessage.TOPIC);
    }

    @Override
    public Mono<Outcome> handle(OutboxEntry entry) {
        InboundMessage message = InboundMessage.of(entry);
        String body = switch (message.msgType()) {
            case "text" -> message.content();
            case "image" -> "[image] WeChat media id " + message.mediaId();
            case "miniprogrampage" -> "[mini-program card]";
            default -> null;
        };
        if (body == null || body.isBlank()) {
            return Mono.just(Outcome.skipped("not a message (" + message.msgType() + ")"));
        }
        boolean urgent = sentiment.urgent(body);
        boolean negative = urgent || sentiment.negative(body);
        Tickets.Opening opening = new Tickets.Opening(entry.patientId(), null, "wechat", entry.id().toString(), "message",
                urgent ? Priority.URGENT : negative ? Priority.HIGH : Priority.NORMAL, negative, Subjects.from(body),
                body, null, null, null);
        Tickets.By by = new Tickets.By(entry.patientId() == null ? "system" : "patient", null);
        Mono<Tickets.Opened> handled = entry.patientId() == null ? tickets.open(opening, by)
                : tickets.message(entry.patientId(), "wechat", entry.id().toString(), body, opening, by);
        return handled.thenReturn(Outcome.done()).defaultIfEmpty(Outcome.done());
    }
}

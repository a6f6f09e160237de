package com.patientcrm.feedback;

import com.patientcrm.notifications.Category;
import com.patientcrm.notifications.Notice;
import com.patientcrm.notifications.NoticeSource;
import com.patientcrm.notifications.OutboxEntry;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Tells a patient the hospital replied to their feedback. Only that a reply exists and the ticket's number: the
 * reply itself is read in the app (it may touch on their care, and a push may leave the country).
 */
@Component
class FeedbackNotices implements NoticeSource {

    private final Tickets tickets;

    FeedbackNotices(Tickets tickets) {
        this.tickets = tickets;
    }

    @Override
    public Set<String> topics() {
        return Set.of(Tickets.REPLY_TOPIC);
    }

    @Override
    public Optional<Category> category(String topic) {
        return Optional.of(Category.FEEDBACK_REPLY);
    }

    @Override
    public Mono<Notice> compose(OutboxEntry entry) {
        return tickets.find(entry.subjectId())
                // An erased patient's ticket is detached from them: nobody to tell.
                .filter(ticket -> ticket.patientId() != null)
                .map(ticket -> new Notice(Category.FEEDBACK_REPLY, "feedback_reply",
                        Map.of("number", Long.toString(ticket.number())),
                        "pages/feedback/detail?id=" + ticket.id(), null));
    }
}

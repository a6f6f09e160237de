package com.patientcrm.feedback;

import com.patientcrm.privacy.ErasureParticipant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Feedback in an erasure: the patients' tickets lose every word (subject, messages, replies and staff notes, which
 * may quote them) and their link to the person; the bare ticket (category, priority, times, status) stays for the
 * hospital's service statistics.
 */
@Component
class FeedbackErasure implements ErasureParticipant {

    private final Tickets tickets;

    FeedbackErasure(Tickets tickets) {
        this.tickets = tickets;
    }

    @Override
    public Mono<Map<String, Long>> erase(UUID accountId, List<UUID> patientIds) {
        return tickets.detach(patientIds).map(n -> Map.of("feedbackTicketsDetached", n));
    }
}

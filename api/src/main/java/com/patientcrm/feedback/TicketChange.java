package com.patientcrm.feedback;

import com.patientcrm.feedback.FeedbackDtos.Ticket;
import java.util.UUID;

/**
 * One change to a ticket as the staff stream announces it: enough to update a list row and decide whether to alert,
 * without any free text (it travels over PostgreSQL's NOTIFY and into every connected console; staff fetch the
 * ticket itself, which audits the read).
 *
 * @param change what happened: created, message, assigned, status, note, reply, tags or sla_breached
 * @param alert  the ticket is negative and this is its creation: managers are alerted
 */
record TicketChange(UUID ticketId, long number, String change, long eventId, String status, String priority,
                    String category, String source, boolean negative, String assignee, boolean slaBreached,
                    int version, boolean alert) {

    static TicketChange of(Ticket ticket, String change, long eventId) {
        return new TicketChange(ticket.id(), ticket.number(), change, eventId, ticket.status(), ticket.priority(),
                ticket.category(), ticket.source(), ticket.negative(), ticket.assignee(), ticket.slaBreached(),
                ticket.version(), ticket.negative() && "created".equals(change));
    }
}

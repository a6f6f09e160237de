package com.patientcrm.notifications;

import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * A module whose outbox messages become notifications to patients (booking: reminders and changes; the waitlist:
 * offers). The notifier asks it at send time, not when the message was written, so a cancelled or started
 * appointment is never announced: {@link #compose} answers empty when the message no longer applies.
 */
public interface NoticeSource {

    Set<String> topics();

    Mono<Notice> compose(OutboxEntry entry);
}

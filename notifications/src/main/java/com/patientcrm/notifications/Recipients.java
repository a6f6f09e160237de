package com.patientcrm.notifications;

import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * Finds who receives a patient's messages; implemented by the application, which owns accounts and family links.
 * Empty when nobody does any more (the patient was erased).
 */
public interface Recipients {

    Mono<Recipient> of(UUID patientId);
}

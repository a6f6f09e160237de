package com.patientcrm.auth;

import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * What the application must hear about patient accounts. Declared here, implemented by the api module (which
 * owns patient profiles), and called inside the transaction that changes the account.
 */
public interface PatientAccountEvents {

    /** A new account exists; the application creates its "self" patient. */
    Mono<Void> accountCreated(UUID accountId);

    /** The account proved it holds this phone (canonical E.164). */
    Mono<Void> phoneVerified(UUID accountId, String phone);

    /** {@code from} proved a phone that {@code into} already holds: from now on they are one patient. */
    Mono<Void> accountsMerged(UUID from, UUID into);
}

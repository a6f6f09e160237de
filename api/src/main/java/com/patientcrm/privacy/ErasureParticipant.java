package com.patientcrm.privacy;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * A module that holds data about patients and takes part in their erasure (booking today; reports and surveys as
 * they arrive). Declared here so that the modules it calls on need not be known to the privacy module. Each
 * participant runs inside the erasure's transaction, after the patient records are emptied and before the
 * account's identities go.
 */
public interface ErasureParticipant {

    /**
     * Erases, or detaches from the person, what this module holds about the account and these patients (the account's
     * own record and the family members erased with it). Answers counts for the request's summary, by name.
     */
    Mono<Map<String, Long>> erase(UUID accountId, List<UUID> patientIds);
}

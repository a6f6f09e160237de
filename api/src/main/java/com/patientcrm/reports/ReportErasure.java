package com.patientcrm.reports;

import com.patientcrm.privacy.ErasureParticipant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Reports in an erasure: every report of the erased patients goes, with all its versions and its PDF. Nothing is
 * kept: our copy exists to show the patient their results; the record of care is the hospital's own, in its LIS
 * and PACS. A set of results detached from the name could still single the person out, and no one could read it.
 * Pending "report ready" messages are withdrawn with every other message to them.
 */
@Component
class ReportErasure implements ErasureParticipant {

    private final ReportStore store;

    ReportErasure(ReportStore store) {
        this.store = store;
    }

    @Override
    public Mono<Map<String, Long>> erase(UUID accountId, List<UUID> patientIds) {
        return store.deleteAllOf(patientIds).map(n -> Map.of("reportsDeleted", n));
    }
}

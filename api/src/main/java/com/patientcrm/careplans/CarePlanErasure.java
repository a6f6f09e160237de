package com.patientcrm.careplans;

import com.patientcrm.privacy.ErasureParticipant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Care plans in an erasure: the patients' active plans stop (nothing more is scheduled or sent). The plans stay,
 * pointing at the now anonymous patient record: they are part of the hospital's record of care.
 */
@Component
class CarePlanErasure implements ErasureParticipant {

    private final CarePlanStore store;

    CarePlanErasure(CarePlanStore store) {
        this.store = store;
    }

    @Override
    public Mono<Map<String, Long>> erase(UUID accountId, List<UUID> patientIds) {
        return store.cancelAllOf(patientIds).map(n -> Map.of("carePlansStopped", n));
    }
}

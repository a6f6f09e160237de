package com.patientcrm.feed;

import com.patientcrm.privacy.ErasureParticipant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The feed in an erasure: the patients' declared interests, what they read and which campaigns reached them go.
 * Nothing here is a record of care, so nothing is kept.
 */
@Component
class FeedErasure implements ErasureParticipant {

    private final FeedStore store;

    FeedErasure(FeedStore store) {
        this.store = store;
    }

    @Override
    public Mono<Map<String, Long>> erase(UUID accountId, List<UUID> patientIds) {
        return store.eraseAll(patientIds).map(n -> Map.of("interestsDeleted", n[0], "articleReadsDeleted", n[1],
                "campaignRecipientsDeleted", n[2]));
    }
}

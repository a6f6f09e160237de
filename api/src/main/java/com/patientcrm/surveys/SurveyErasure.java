package com.patientcrm.surveys;

import com.patientcrm.privacy.ErasureParticipant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Surveys in an erasure. Invitations not submitted go, with their partial answers (their messages are withdrawn
 * with all the patient's). Submitted ones stay for the anonymous statistics, detached: no patient, no appointment
 * (which would lead back to the person), free text blanked; the scores and choices, the department and doctor and
 * the times remain.
 */
@Component
class SurveyErasure implements ErasureParticipant {

    private final DatabaseClient db;

    SurveyErasure(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<Map<String, Long>> erase(UUID accountId, List<UUID> patientIds) {
        UUID[] ids = patientIds.toArray(UUID[]::new);
        Mono<Long> deleted = db.sql("delete from app.survey_invitations where patient_id = any(cast(:ids as uuid[])) "
                + "and submitted_at is null").bind("ids", ids).fetch().rowsUpdated();
        Mono<Long> blanked = db.sql("update app.survey_answers a set text = null, updated_at = now() "
                        + "from app.survey_invitations i where i.id = a.invitation_id "
                        + "and i.patient_id = any(cast(:ids as uuid[])) and a.text is not null")
                .bind("ids", ids).fetch().rowsUpdated();
        Mono<Long> detached = db.sql("update app.survey_invitations set patient_id = null, appointment_id = null, "
                        + "updated_at = now() where patient_id = any(cast(:ids as uuid[]))")
                .bind("ids", ids).fetch().rowsUpdated();
        return deleted.flatMap(d -> blanked.flatMap(b -> detached.map(n -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("surveyInvitationsDeleted", d);
            counts.put("surveyTextsBlanked", b);
            counts.put("surveyResponsesDetached", n);
            return counts;
        })));
    }
}

package com.patientcrm.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fields a patient may set that name another object (the patient a booking, waitlist place, complaint, report
 * list or feed is for; the visit a complaint is about), set to another family's: refused exactly as a missing one
 * would be (404, or 422 for a visit named in a complaint), audited, and nothing is written for the other family.
 */
class ForeignReferencesIntegrationTests extends IntegrationTest {

    private Fixtures fx;
    private String attacker;
    private String victim;
    private UUID victimId;

    @BeforeEach
    void twoFamilies() {
        fx = new Fixtures(http, db, sms, new Probe.Stats());
        attacker = fx.patient();
        victim = fx.stranger();
        victimId = fx.self(victim);
    }

    @Test
    void bookingOrQueueingForAnotherFamilysPatientIsNotFound() {
        Fixtures.Slot slot = fx.slot(2);
        fx.probe.refused("POST", "/api/v1/appointments", Map.of("slotId", slot.id(), "patientId", victimId), attacker,
                "patient", 404, "a booking for another family's patient");
        Fixtures.Slot full = fx.slot(1);
        fx.book(fx.patient(), full);
        fx.probe.refused("POST", "/api/v1/waitlist", Map.of("doctorId", fx.seeded().doctorId(), "date", full.day().toString(),
                "patientId", victimId), attacker, "patient", 404, "a waitlist place for another family's patient");
        fx.probe.checkAudited();
        assertThat(count("select count(*) from app.appointments where patient_id = :p", victimId)).isZero();
        assertThat(count("select count(*) from app.waitlist_entries where patient_id = :p", victimId)).isZero();
    }

    @Test
    void complainingInAnotherFamilysNameOrAboutTheirVisitIsNotFound() {
        UUID visit = UUID.fromString(fx.book(victim, fx.slot(2)).get("id").asString());
        fx.probe.refused("POST", "/api/v1/feedback", Map.of("category", "complaint", "message", "Rude staff.",
                "patientId", victimId), attacker, "patient", 404, "a complaint in another family's name");
        fx.probe.checkAudited();
        // A visit is named in the body: 422 as for one that does not exist (the contract's feedback-appointment), audited.
        Probe.Answer answer = fx.probe.send("POST", "/api/v1/feedback", Map.of("category", "complaint",
                "message", "Rude staff.", "appointmentId", visit), attacker);
        Probe.Answer missing = fx.probe.send("POST", "/api/v1/feedback", Map.of("category", "complaint",
                "message", "Rude staff.", "appointmentId", UUID.randomUUID()), attacker);
        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().path("detail")).isEqualTo(missing.json().path("detail"));
        assertThat(db.sql("select outcome || '/' || actor_kind || '/' || resource || '/' || resource_id || '/' || "
                        + "coalesce(patient_id::text, '-') from app.audit_events where request_id = :r")
                .bind("r", answer.requestId()).map(row -> row.get(0, String.class)).all().collectList()
                .block(Duration.ofSeconds(5)))
                .containsExactly("not_found/patient/appointment/" + visit + "/-");
        assertThat(count("select count(*) from app.feedback_tickets where patient_id = :p or appointment_id = :p", victimId))
                .isZero();
        assertThat(count("select count(*) from app.feedback_tickets where appointment_id = :p", visit)).isZero();
    }

    @Test
    void listingAnotherFamilysReportsOrFeedIsNotFound() {
        ReportEntries.push(fx, victimId);
        fx.probe.refused("GET", "/api/v1/reports?patientId=" + victimId, null, attacker, "patient", 404,
                "another family's reports");
        fx.probe.refused("GET", "/api/v1/feed?patientId=" + victimId, null, attacker, "patient", 404,
                "another family's feed");
        fx.probe.checkAudited();
    }

    private long count(String sql, UUID id) {
        return db.sql(sql).bind("p", id).map(row -> row.get(0, Long.class)).one().block(Duration.ofSeconds(5));
    }
}

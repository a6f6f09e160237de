package com.patientcrm.attacks;

import com.patientcrm.attacks.Matrix.Attacker;
import com.patientcrm.attacks.Matrix.Case;
import com.patientcrm.attacks.Matrix.Entry;
import com.patientcrm.attacks.Matrix.Op;
import com.patientcrm.surveys.SurveyFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Surveys: a patient's invitation (and answers), and the definitions feedback managers keep. */
final class SurveyEntries {

    private SurveyEntries() {
    }

    /** A survey of the fixtures' own department, asking at once and never holding back for recontact. */
    static Map<String, Object> definition(Fixtures fx) {
        return SurveyFixtures.definition("atk-" + UUID.randomUUID().toString().substring(0, 8),
                fx.seeded().departmentId(), 0, 0);
    }

    static Entry invitations() {
        String path = "/api/v1/survey-invitations/{id}";
        return new Entry("survey invitations", List.of("GET " + path, "PUT " + path + "/response"), fx -> {
            String manager = Fixtures.staff("FEEDBACK_MANAGER");
            UUID survey = UUID.fromString(fx.expect(201, "POST", "/staff/v1/surveys", definition(fx), manager)
                    .get("id").asString());
            String owner = fx.patient();
            UUID visit = UUID.fromString(fx.book(owner, fx.slot(2)).get("id").asString());
            com.patientcrm.support.VisitTime.arrive(fx.db, visit);
            fx.expect(200, "PATCH", "/integration/v1/appointments/" + visit, Map.of("status", "COMPLETED"), fx.client());
            UUID invitation = Fixtures.await("the survey invitation", () -> fx.uuid("select id from app.survey_invitations "
                    + "where appointment_id = :visit and survey_id = :survey", "visit", visit, "survey", survey));
            Map<String, Object> answers = Map.of("answers", List.of(Map.of("questionId", "nps", "score", 9)), "submit", false);
            return List.of(new Case("a survey invitation", Map.of("id", invitation), owner,
                    List.of(new Op("GET", path, null, 200), new Op("PUT", path + "/response", answers, 200)),
                    fx.onPatientObject(), fx.readBack("/api/v1/survey-invitations/" + invitation, owner)));
        });
    }

    static Entry definitions() {
        String path = "/staff/v1/surveys/{id}";
        String version = path + "/versions/{version}";
        return new Entry("survey definitions", List.of("GET " + path, "GET " + version, "PUT " + path), fx -> {
            String manager = Fixtures.staff("FEEDBACK_MANAGER");
            Map<String, Object> definition = definition(fx);
            definition.put("active", false);
            String id = fx.expect(201, "POST", "/staff/v1/surveys", definition, manager).get("id").asString();
            Map<String, Object> edited = new java.util.LinkedHashMap<>(definition);
            edited.put("title", "Edited " + definition.get("title"));
            List<Attacker> attackers = new ArrayList<>(fx.onStaffObject(fx.patient(), "CONTENT_EDITOR"));
            // Feedback agents read definitions by design, and change none.
            attackers.add(new Attacker("staff (FEEDBACK_AGENT)", "staff", Fixtures.staff("FEEDBACK_AGENT"), 403)
                    .except("GET " + path, 200).except("GET " + version, 200));
            return List.of(new Case("a survey definition", Map.of("id", id, "version", 1), manager,
                    List.of(new Op("GET", path, null, 200), new Op("GET", version, null, 200), new Op("PUT", path, edited, 200)),
                    attackers, fx.readBack("/staff/v1/surveys/" + id, manager)));
        });
    }
}

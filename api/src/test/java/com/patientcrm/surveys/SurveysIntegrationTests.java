package com.patientcrm.surveys;

import static com.patientcrm.surveys.SurveyFixtures.score;
import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.booking.HospitalFixtures;
import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Surveys end to end: the hospital completes a visit, the survey it triggers invites the patient when due, the
 * patient saves, submits once and then only reads; the recontact limit, expiry, access, validation and versions.
 */
class SurveysIntegrationTests extends IntegrationTest {

    static final String SUBMITTED = "urn:patientcrm:problem:survey-submitted";

    SurveyFixtures surveys;
    HospitalFixtures.Seeded seeded;
    String manager;

    @BeforeEach
    void seed() {
        surveys = new SurveyFixtures(http, db, clientToken());
        seeded = surveys.hospital().departmentAndDoctor(SurveyFixtures.ZONE, 14);
        manager = staffToken("manager-" + UUID.randomUUID(), "FEEDBACK_MANAGER");
    }

    @Test
    void aCompletedVisitInvitesThePatientWhoSavesSubmitsOnceAndThenOnlyReads() {
        Map<?, ?> survey = surveys.create(manager, SurveyFixtures.definition(code(), seeded.departmentId(), 24, 30));
        String token = patientToken();
        UUID patient = self(token);
        UUID appointment = surveys.completedVisit(seeded, token, null);
        UUID invitation = surveys.invitationFor(appointment);
        assertThat(invitation).isNotNull();

        // Due a day after the visit, valid a week from then; not visible before it is due.
        assertThat(text("select (extract(epoch from due_at - completed_at) / 3600)::int || ':' || "
                + "(extract(epoch from expires_at - due_at) / 86400)::int || ':' || survey_version "
                + "from app.survey_invitations where id = :id", invitation)).isEqualTo("24:7:1");
        assertThat(pendingIds(token)).isEmpty();
        http.get().uri("/api/v1/survey-invitations/{id}", invitation).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isNotFound();
        assertThat(text("select status from notifications.outbox where topic = 'survey.invitation' and subject_id = :id "
                + "and due_at > now() + interval '23 hours'", invitation)).isEqualTo("pending");

        // A day later: pending, and the notification is in the inbox.
        makeDue(invitation);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> titles(token).contains("满意度调查"));
        http.get().uri("/api/v1/surveys/pending").headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isOk()
                .expectHeader().cacheControl(CacheControl.noStore())
                .expectBody().jsonPath("$.length()").isEqualTo(1)
                .jsonPath("$[0].id").isEqualTo(invitation.toString())
                .jsonPath("$[0].surveyId").isEqualTo(survey.get("id"))
                .jsonPath("$[0].patientId").isEqualTo(patient.toString())
                .jsonPath("$[0].questionCount").isEqualTo(5)
                .jsonPath("$[0].answeredCount").isEqualTo(0);

        // A partial save, then invalid answers and an incomplete submit, neither of which changes anything.
        surveys.respond(token, invitation, List.of(score("nps", 9)), false).expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("OPEN")
                .jsonPath("$.answers.length()").isEqualTo(1).jsonPath("$.answers[0].score").isEqualTo(9);
        surveys.respond(token, invitation, List.of(score("rating", 6), Map.of("questionId", "wait",
                        "choices", List.of("<15 min", ">30 min")), Map.of("questionId", "nope", "score", 1)), false)
                .expectStatus().isEqualTo(422).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:invalid-answers")
                .jsonPath("$.errors.length()").isEqualTo(3)
                .jsonPath("$.errors[0].field").isEqualTo("answers[0].score");
        surveys.respond(token, invitation, List.of(Map.of("questionId", "liked", "choices", List.of("doctor", "nurses"))),
                        true)
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:survey-incomplete")
                .jsonPath("$.unanswered[0]").isEqualTo("rating");
        assertThat(answers(token, invitation)).hasSize(1);

        Map<?, ?> submitted = surveys.respond(token, invitation, List.of(score("rating", 4),
                        Map.of("questionId", "wait", "choices", List.of("15-30 min")),
                        Map.of("questionId", "comment", "text", "Friendly staff")), true)
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(submitted.get("status")).isEqualTo("SUBMITTED");
        assertThat(submitted.get("submittedAt")).isNotNull();
        assertThat(((List<?>) submitted.get("answers")).stream().map(a -> (String) ((Map<?, ?>) a).get("questionId")))
                .containsExactly("nps", "rating", "wait", "comment");

        // Read-only now: another save or submit is a conflict and changes nothing.
        surveys.respond(token, invitation, List.of(score("nps", 0)), false).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo(SUBMITTED);
        surveys.respond(token, invitation, List.of(), true).expectStatus().isEqualTo(409);
        http.get().uri("/api/v1/survey-invitations/{id}", invitation).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.answers[0].score").isEqualTo(9)
                .jsonPath("$.status").isEqualTo("SUBMITTED").jsonPath("$.questions.length()").isEqualTo(5);
        assertThat(pendingIds(token)).isEmpty();

        // The feedback CRM is told, once, in the same transaction as the submit.
        assertThat(text("select count(*)::text || ':' || min(payload ->> 'invitationId') || ':' || min(patient_id::text) "
                + "from notifications.outbox where topic = 'survey.submitted' and subject_id = :id", invitation))
                .isEqualTo("1:" + invitation + ":" + patient);
        // Every read and save left an audit row.
        assertThat(text("select string_agg(distinct action, ',' order by action) from app.audit_events "
                + "where resource = 'survey-invitation' and patient_id = :id", patient))
                .isEqualTo("read,search,survey-answers-saved,survey-submitted");
    }

    @Test
    void aPatientIsNotAskedAgainWithinTheRecontactLimitEvenForVisitsCompletedTogether() {
        surveys.create(manager, SurveyFixtures.definition(code(), seeded.departmentId(), 0, 30));
        String token = patientToken();
        UUID first = surveys.book(seeded, token, null);
        UUID second = surveys.book(seeded, token, null);
        Flux.just(first, second).flatMap(id -> Mono.fromRunnable(() -> surveys.complete(id))
                        .subscribeOn(Schedulers.boundedElastic()))
                .then().block(Duration.ofSeconds(30));
        surveys.awaitHandled(first);
        surveys.awaitHandled(second);
        assertThat(text("select count(*)::text from app.survey_invitations where appointment_id in (:id, :id2)",
                Map.of("id", first, "id2", second))).isEqualTo("1");

        // Later visits within the limit are not surveyed either; another patient's visit is.
        UUID third = surveys.completedVisit(seeded, token, null);
        assertThat(surveys.awaitHandled(third)).isEqualTo("skipped");
        assertThat(surveys.invitationFor(surveys.completedVisit(seeded, patientToken(), null))).isNotNull();

        // A family member is a person of their own: surveyed, and their invitation is the account's to answer.
        UUID child = UUID.fromString((String) http.post().uri("/api/v1/me/family-members")
                .headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("relationship", "child", "name", "Xiao Bao")).exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id"));
        UUID childInvitation = surveys.invitationFor(surveys.completedVisit(seeded, token, child));
        assertThat(pendingIds(token)).contains(childInvitation.toString()).hasSize(2);
        http.get().uri("/api/v1/survey-invitations/{id}", childInvitation).headers(h -> h.setBearerAuth(token))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.patientId").isEqualTo(child.toString());
    }

    @Test
    void anExpiredInvitationIsNeitherPendingNorAnsweredNorAnnounced() {
        surveys.create(manager, SurveyFixtures.definition(code(), seeded.departmentId(), 24, 0));
        String token = patientToken();
        UUID invitation = surveys.invitationFor(surveys.completedVisit(seeded, token, null));
        db.sql("update app.survey_invitations set due_at = now() - interval '8 days', expires_at = now() - interval '1 second' "
                + "where id = :id").bind("id", invitation).then().block(Duration.ofSeconds(5));
        db.sql("update notifications.outbox_queue set due_at = now() where id in (select id from notifications.outbox "
                        + "where topic = 'survey.invitation' and subject_id = :id)")
                .bind("id", invitation).then().block(Duration.ofSeconds(5));

        assertThat(pendingIds(token)).isEmpty();
        http.get().uri("/api/v1/survey-invitations/{id}", invitation).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("EXPIRED");
        surveys.respond(token, invitation, List.of(score("nps", 8)), false).expectStatus().isEqualTo(410)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:survey-expired");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "skipped".equals(text(
                "select status from notifications.outbox where topic = 'survey.invitation' and subject_id = :id", invitation)));
        assertThat(answers(token, invitation)).isEmpty();
    }

    @Test
    void anotherAccountsInvitationIsNotFoundAndTheRefusalAudited() {
        surveys.create(manager, SurveyFixtures.definition(code(), seeded.departmentId(), 0, 0));
        String owner = patientToken();
        UUID invitation = surveys.invitationFor(surveys.completedVisit(seeded, owner, null));
        String stranger = patientToken();
        self(stranger);

        http.get().uri("/api/v1/survey-invitations/{id}", invitation).headers(h -> h.setBearerAuth(stranger)).exchange()
                .expectStatus().isNotFound().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:not-found");
        surveys.respond(stranger, invitation, List.of(score("nps", 0)), true).expectStatus().isNotFound();
        assertThat(pendingIds(stranger)).isEmpty();
        assertThat(text("select count(*)::text from app.audit_events where outcome = 'not_found' and resource in "
                + "('/api/v1/survey-invitations/' || :id, '/api/v1/survey-invitations/' || :id || '/response')",
                invitation.toString())).isEqualTo("2");
        assertThat(answers(owner, invitation)).isEmpty();
        // Staff paths are for staff, and survey definitions for feedback staff.
        http.get().uri("/staff/v1/surveys").headers(h -> h.setBearerAuth(owner)).exchange().expectStatus().isForbidden();
        staff(staffToken("editor-" + UUID.randomUUID(), "CONTENT_EDITOR")).get().uri("/staff/v1/surveys").exchange()
                .expectStatus().isForbidden();
    }

    @Test
    void definitionsAreValidatedAndEditsMakeVersionsThatInvitationsKeep() {
        String agent = staffToken("agent-" + UUID.randomUUID(), "FEEDBACK_AGENT");
        String code = code();
        Map<String, Object> body = SurveyFixtures.definition(code, seeded.departmentId(), 0, 0);
        staff(agent).post().uri("/staff/v1/surveys").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isForbidden();

        Map<String, Object> bad = SurveyFixtures.definition(code(), seeded.departmentId(), 0, 0);
        bad.put("questions", List.of(Map.of("id", "a", "type", "nps", "text", "NPS", "options", List.of("x", "y")),
                Map.of("id", "a", "type", "single_choice", "text", "Pick")));
        staff(manager).post().uri("/staff/v1/surveys").contentType(MediaType.APPLICATION_JSON).bodyValue(bad).exchange()
                .expectStatus().isEqualTo(422).expectBody()
                .jsonPath("$.type").isEqualTo("urn:patientcrm:problem:invalid-survey")
                .jsonPath("$.errors[0].field").isEqualTo("questions[0].options")
                .jsonPath("$.errors[1].field").isEqualTo("questions[1].id")
                .jsonPath("$.errors[2].field").isEqualTo("questions[1].options");
        Map<String, Object> noTitle = SurveyFixtures.definition(code(), seeded.departmentId(), 0, 0);
        noTitle.remove("title");
        staff(manager).post().uri("/staff/v1/surveys").contentType(MediaType.APPLICATION_JSON).bodyValue(noTitle).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("title");
        staff(manager).post().uri("/staff/v1/surveys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(SurveyFixtures.definition(code(), UUID.randomUUID(), 0, 0)).exchange()
                .expectStatus().isEqualTo(422).expectBody().jsonPath("$.field").isEqualTo("trigger.departmentId");

        UUID surveyId = UUID.fromString((String) surveys.create(manager, body).get("id"));
        staff(manager).post().uri("/staff/v1/surveys").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isEqualTo(409);
        String token = patientToken();
        UUID v1Invitation = surveys.invitationFor(surveys.completedVisit(seeded, token, null));

        Map<String, Object> edited = SurveyFixtures.definition(code, seeded.departmentId(), 0, 0);
        edited.put("questions", List.of(Map.of("id", "nps", "type", "nps", "text", "Would you recommend us?")));
        staff(manager).put().uri("/staff/v1/surveys/{id}", surveyId).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(edited).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.version").isEqualTo(2).jsonPath("$.questions.length()").isEqualTo(1);
        edited.put("code", code + "-x");
        staff(manager).put().uri("/staff/v1/surveys/{id}", surveyId).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(edited).exchange().expectStatus().isBadRequest();
        staff(agent).get().uri("/staff/v1/surveys/{id}/versions/1", surveyId).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.version").isEqualTo(1).jsonPath("$.questions.length()").isEqualTo(5);
        staff(agent).get().uri("/staff/v1/surveys/{id}/versions/3", surveyId).exchange().expectStatus().isNotFound();
        staff(agent).get().uri("/staff/v1/surveys/{id}", surveyId).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.version").isEqualTo(2).jsonPath("$.code").isEqualTo(code);
        assertThat(staff(agent).get().uri("/staff/v1/surveys").exchange().expectStatus().isOk().expectBody(List.class)
                .returnResult().getResponseBody().stream().map(s -> ((Map<?, ?>) s).get("id"))).contains(surveyId.toString());

        // The invitation made before keeps version 1's questions; a new visit is asked version 2's.
        http.get().uri("/api/v1/survey-invitations/{id}", v1Invitation).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.surveyVersion").isEqualTo(1)
                .jsonPath("$.questions.length()").isEqualTo(5);
        surveys.respond(token, v1Invitation, List.of(score("nps", 10), score("rating", 5)), true).expectStatus().isOk();
        String other = patientToken();
        UUID v2Invitation = surveys.invitationFor(surveys.completedVisit(seeded, other, null));
        http.get().uri("/api/v1/survey-invitations/{id}", v2Invitation).headers(h -> h.setBearerAuth(other)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.surveyVersion").isEqualTo(2)
                .jsonPath("$.questions.length()").isEqualTo(1);
        surveys.respond(other, v2Invitation, List.of(score("rating", 5)), false).expectStatus().isEqualTo(422);

        // Deactivated: no more invitations.
        edited.put("code", code);
        edited.put("active", false);
        staff(manager).put().uri("/staff/v1/surveys/{id}", surveyId).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(edited).exchange().expectStatus().isOk().expectBody().jsonPath("$.active").isEqualTo(false);
        assertThat(surveys.awaitHandled(surveys.completedVisit(seeded, patientToken(), null))).isEqualTo("skipped");
    }

    @Test
    void npsAndCsatAreComputedInSqlByDepartmentAndByDoctor() {
        HospitalFixtures.Seeded a1 = seeded;
        HospitalFixtures.Seeded a2 = secondDoctor(seeded);
        HospitalFixtures.Seeded b1 = surveys.hospital().departmentAndDoctor(SurveyFixtures.ZONE, 14);
        for (HospitalFixtures.Seeded department : List.of(a1, b1)) {
            Map<String, Object> body = SurveyFixtures.definition(code(), department.departmentId(), 0, 0);
            body.put("questions", List.of(Map.of("id", "nps", "type", "nps", "text", "Recommend us?"),
                    Map.of("id", "csat", "type", "rating", "text", "Satisfied?")));
            surveys.create(manager, body);
        }
        // Department A: doctor 1 (NPS 10, 9, 3; rating 5, 4, 2) and doctor 2 (NPS 7; rating 3); B: NPS 0, 10, ratings 5.
        answer(a1, 10, 5);
        answer(a1, 9, 4);
        answer(a1, 3, 2);
        answer(a2, 7, 3);
        answer(b1, 0, 5);
        answer(b1, 10, 5);
        String agent = staffToken("agent-" + UUID.randomUUID(), "FEEDBACK_AGENT");

        Map<String, Map<String, Object>> nps = groups(agent, "nps", "department");
        assertThat(nps.get(a1.departmentId().toString())).containsEntry("responses", 4).containsEntry("promoters", 2)
                .containsEntry("passives", 1).containsEntry("detractors", 1).containsEntry("nps", 25.0);
        assertThat(nps.get(b1.departmentId().toString())).containsEntry("responses", 2).containsEntry("promoters", 1)
                .containsEntry("passives", 0).containsEntry("detractors", 1).containsEntry("nps", 0.0);
        assertThat(((String) nps.get(a1.departmentId().toString()).get("name"))).startsWith("Cardiology ");
        Map<String, Map<String, Object>> byDoctor = groups(agent, "nps", "doctor");
        assertThat(byDoctor.get(a1.doctorId().toString())).containsEntry("responses", 3).containsEntry("promoters", 2)
                .containsEntry("passives", 0).containsEntry("detractors", 1).containsEntry("nps", 33.3);
        assertThat(byDoctor.get(a2.doctorId().toString())).containsEntry("responses", 1).containsEntry("passives", 1)
                .containsEntry("nps", 0.0).containsEntry("name", "Dr. Second");

        Map<String, Map<String, Object>> csat = groups(agent, "csat", "department");
        assertThat(csat.get(a1.departmentId().toString())).containsEntry("responses", 4).containsEntry("satisfied", 2)
                .containsEntry("average", 3.5).containsEntry("csat", 50.0);
        assertThat(csat.get(b1.departmentId().toString())).containsEntry("responses", 2).containsEntry("satisfied", 2)
                .containsEntry("average", 5.0).containsEntry("csat", 100.0);
        Map<String, Map<String, Object>> csatByDoctor = groups(agent, "csat", "doctor");
        assertThat(csatByDoctor.get(a1.doctorId().toString())).containsEntry("responses", 3).containsEntry("satisfied", 2)
                .containsEntry("average", 3.67).containsEntry("csat", 66.7);
        assertThat(csatByDoctor.get(a2.doctorId().toString())).containsEntry("responses", 1).containsEntry("satisfied", 0)
                .containsEntry("average", 3.0).containsEntry("csat", 0.0);

        // A period that ends before today holds none of them; bad parameters are 400s; patients may not look.
        String tomorrow = java.time.LocalDate.now(java.time.ZoneId.of(SurveyFixtures.ZONE)).plusDays(1).toString();
        staff(agent).get().uri("/staff/v1/analytics/nps?groupBy=department&from=" + tomorrow + "&to=" + tomorrow)
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.groups.length()").isEqualTo(0)
                .jsonPath("$.overall.responses").isEqualTo(0).jsonPath("$.timeZone").isEqualTo(SurveyFixtures.ZONE);
        staff(agent).get().uri("/staff/v1/analytics/nps?groupBy=ward").exchange().expectStatus().isBadRequest();
        staff(agent).get().uri("/staff/v1/analytics/csat?from=2026-02-01&to=2026-01-01").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("from");
        staff(agent).get().uri("/staff/v1/analytics/csat?from=2024-01-01&to=2026-01-01").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("to");
        staff(agent).get().uri("/staff/v1/analytics/csat?from=yesterday").exchange().expectStatus().isBadRequest();
        http.get().uri("/staff/v1/analytics/nps").headers(h -> h.setBearerAuth(patientToken())).exchange()
                .expectStatus().isForbidden();
    }

    private HospitalFixtures.Seeded secondDoctor(HospitalFixtures.Seeded seeded) {
        String external = "doc2-" + UUID.randomUUID().toString().substring(0, 8);
        Map<?, ?> doctor = http.put().uri("/integration/v1/doctors/" + external).headers(h -> h.setBearerAuth(clientToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("departmentExternalId", seeded.departmentExternalId(),
                        "name", "Dr. Second", "version", 1))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        return new HospitalFixtures.Seeded(seeded.departmentExternalId(), seeded.departmentId(), external,
                UUID.fromString((String) doctor.get("id")));
    }

    private void answer(HospitalFixtures.Seeded doctor, int nps, int rating) {
        String token = patientToken();
        UUID invitation = surveys.invitationFor(surveys.completedVisit(doctor, token, null));
        surveys.respond(token, invitation, List.of(score("nps", nps), score("csat", rating)), true).expectStatus().isOk();
    }

    /** The report's groups by id (today's submissions, in the default period). */
    private Map<String, Map<String, Object>> groups(String token, String measure, String groupBy) {
        Map<?, ?> report = staff(token).get().uri("/staff/v1/analytics/" + measure + "?groupBy=" + groupBy).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(report.get("groupBy")).isEqualTo(groupBy);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> groups = (List<Map<String, Object>>) report.get("groups");
        return groups.stream()
                .collect(java.util.stream.Collectors.toMap(g -> (String) g.get("id"), g -> g));
    }

    private String code() {
        return "s-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private WebTestClient staff(String token) {
        return http.mutate().defaultHeaders(h -> h.setBearerAuth(token)).build();
    }

    private UUID self(String token) {
        return UUID.fromString((String) http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id"));
    }

    private List<String> pendingIds(String token) {
        return http.get().uri("/api/v1/surveys/pending").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody(List.class).returnResult().getResponseBody().stream()
                .map(item -> (String) ((Map<?, ?>) item).get("id")).toList();
    }

    private List<?> answers(String token, UUID invitation) {
        return (List<?>) http.get().uri("/api/v1/survey-invitations/{id}", invitation).headers(h -> h.setBearerAuth(token))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("answers");
    }

    private void makeDue(UUID invitation) {
        db.sql("update app.survey_invitations set due_at = now() - interval '1 second' where id = :id")
                .bind("id", invitation).then().block(Duration.ofSeconds(5));
        db.sql("update notifications.outbox_queue set due_at = now() where id in (select id from notifications.outbox "
                        + "where topic = 'survey.invitation' and subject_id = :id)")
                .bind("id", invitation).then().block(Duration.ofSeconds(5));
    }

    private List<String> titles(String token) {
        return ((List<?>) http.get().uri("/api/v1/me/notifications?limit=100").headers(h -> h.setBearerAuth(token))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("items"))
                .stream().map(item -> (String) ((Map<?, ?>) item).get("title")).toList();
    }

    /** The one text value the query answers; {@code :id} bound to the value, or each entry of a map bound by name. */
    private String text(String sql, Object id) {
        var spec = db.sql(sql);
        if (id instanceof Map<?, ?> binds) {
            for (Map.Entry<?, ?> bind : binds.entrySet()) {
                spec = spec.bind((String) bind.getKey(), bind.getValue());
            }
        } else {
            spec = spec.bind("id", id);
        }
        return spec.map(row -> row.get(0, String.class)).one().block(Duration.ofSeconds(5));
    }
}

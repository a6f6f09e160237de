package com.patientcrm.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.booking.HospitalFixtures;
import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Erasure: a grace period the patient can cancel, then one transaction that leaves nothing in any table that leads
 * back to the person, while the hospital's records of past visits stay, detached.
 */
class ErasureIntegrationTests extends IntegrationTest {

    static final String ZONE = "Asia/Shanghai";

    private ConsentDocumentsFixture consents;

    @AfterEach
    void retireDocuments() {
        if (consents != null) {
            consents.retireAll();
        }
    }

    @Test
    void anErasureWaitsOutItsGracePeriodAndCanBeCancelled() {
        String token = patientToken();
        OffsetDateTime before = OffsetDateTime.now();
        Map<?, ?> requested = http.post().uri("/api/v1/me/erasure-request").headers(h -> h.setBearerAuth(token))
                .exchange().expectStatus().isAccepted()
                .expectHeader().location("/api/v1/me/erasure-request")
                .expectHeader().cacheControl(CacheControl.noStore())
                .expectBody(Map.class).returnResult().getResponseBody();
        String id = (String) requested.get("id");
        assertThat(requested.get("status")).isEqualTo("SCHEDULED");
        OffsetDateTime effective = OffsetDateTime.parse((String) requested.get("effectiveAt"));
        assertThat(effective).isBetween(before.plusDays(7).minusMinutes(1), OffsetDateTime.now().plusDays(7).plusMinutes(1));
        assertThat(requested.get("summary")).isNull();
        // The message that carries it out is due when the grace period ends.
        assertThat(outboxStatus(UUID.fromString(id))).isEqualTo("pending");

        // Asking again answers the waiting request.
        http.post().uri("/api/v1/me/erasure-request").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.id").isEqualTo(id);
        http.get().uri("/api/v1/me/erasure-request").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.id").isEqualTo(id)
                .jsonPath("$.status").isEqualTo("SCHEDULED");

        http.delete().uri("/api/v1/me/erasure-request").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.id").isEqualTo(id)
                .jsonPath("$.status").isEqualTo("CANCELLED").jsonPath("$.cancelledAt").isNotEmpty();
        assertThat(outboxStatus(UUID.fromString(id))).isEqualTo("cancelled");
        http.get().uri("/api/v1/me/erasure-request").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("CANCELLED");
        http.delete().uri("/api/v1/me/erasure-request").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isNotFound();
        // The account is untouched and works as before.
        http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isOk();

        // Both the request and its cancellation are in the audit trail.
        List<String> actions = db.sql("select action from app.audit_events where resource = 'erasure-request' "
                        + "and resource_id = :id order by id").bind("id", id)
                .map(row -> row.get("action", String.class)).all().collectList().block(Duration.ofSeconds(5));
        assertThat(actions).containsExactly("erasure-requested", "erasure-cancelled");

        // Another account has no request to see or cancel.
        String other = patientToken();
        http.get().uri("/api/v1/me/erasure-request").headers(h -> h.setBearerAuth(other)).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        http.delete().uri("/api/v1/me/erasure-request").headers(h -> h.setBearerAuth(other)).exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void requestsArrivingTogetherMakeOneErasure() {
        String token = patientToken();
        List<String> ids = Flux.range(0, 6)
                .flatMap(i -> Mono.fromCallable(() -> (String) http.post().uri("/api/v1/me/erasure-request")
                        .headers(h -> h.setBearerAuth(token)).exchange()
                        .expectBody(Map.class).returnResult().getResponseBody().get("id"))
                        .subscribeOn(Schedulers.boundedElastic()))
                .collectList().block(Duration.ofSeconds(60));
        assertThat(ids).hasSize(6).doesNotContainNull();
        assertThat(ids.stream().distinct()).hasSize(1);
        assertThat(db.sql("select count(*) as n from notifications.outbox where topic = 'privacy.erasure' "
                        + "and subject_id = :id").bind("id", UUID.fromString(ids.get(0)))
                .map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5))).isEqualTo(1);
    }

    @Test
    void erasureLeavesNothingThatLeadsBackToThePerson() {
        String marker = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_999_999_999L));
        String phone = randomPhone();
        Map<String, Object> signIn = signInWithPhone(phone);
        String token = (String) signIn.get("access_token");
        String refreshToken = (String) signIn.get("refresh_token");
        String selfName = "抹除测试" + marker;
        String childName = "Child" + marker;
        String address = marker + " Erasure Road, Beijing";
        String contactName = "Contact" + marker;
        String selfId = nationalId();
        String childId = nationalId();
        String userAgent = "ErasureTest/" + marker;

        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("name", selfName);
        profile.put("gender", "female");
        profile.put("birthDate", "1980-05-06");
        profile.put("nationalId", selfId);
        profile.put("address", address);
        profile.put("emergencyContact", Map.of("name", contactName, "phone", "13700000000", "relationship", "spouse"));
        Map<?, ?> me = http.patch().uri("/api/v1/me").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(profile)
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        UUID self = UUID.fromString((String) me.get("id"));
        UUID child = UUID.fromString((String) http.post().uri("/api/v1/me/family-members")
                .headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("relationship", "child", "name", childName, "nationalId", childId))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id"));

        // A consent decision with the client's user agent on record.
        consents = new ConsentDocumentsFixture(http, staffToken());
        UUID research = consents.document("research");
        int version = consents.version(research, false);
        http.post().uri("/api/v1/me/consents").headers(h -> {
                    h.setBearerAuth(token);
                    h.set("User-Agent", userAgent);
                })
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("documentId", research, "version", version, "granted", true))
                .exchange().expectStatus().isCreated();
        http.patch().uri("/api/v1/me/preferences").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("language", "en"))
                .exchange().expectStatus().isOk();

        // Appointments: one to come for each of them, one the hospital has completed, and the child waiting for a
        // full doctor-day.
        String client = clientToken();
        HospitalFixtures hospital = new HospitalFixtures(http, client);
        HospitalFixtures.Seeded seeded = hospital.departmentAndDoctor(ZONE, 14);
        LocalDateTime day = LocalDate.now(ZoneId.of(ZONE)).plusDays(3).atTime(9, 0);
        UUID selfSlot = hospital.slot(seeded, day, ZONE, 2);
        UUID childSlot = hospital.slot(seeded, day.plusDays(1), ZONE, 2);
        UUID visitedSlot = hospital.slot(seeded, day.plusDays(2), ZONE, 2);
        UUID fullSlot = hospital.slot(seeded, day.plusDays(4), ZONE, 1);
        String upcoming = book(token, selfSlot, null);
        String childUpcoming = book(token, childSlot, child);
        String visited = book(token, visitedSlot, null);
        book(patientToken(), fullSlot, null);
        // The completed visit brings a survey, answered with a free-text comment.
        com.patientcrm.surveys.SurveyFixtures surveys = new com.patientcrm.surveys.SurveyFixtures(http, db, client);
        surveys.create(staffToken(), com.patientcrm.surveys.SurveyFixtures.definition(
                "erasure-" + marker, seeded.departmentId(), 0, 0));
        String comment = "Comment " + marker;
        com.patientcrm.support.VisitTime.arrive(db, UUID.fromString(visited));
        http.patch().uri("/integration/v1/appointments/" + visited).headers(h -> h.setBearerAuth(client))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("status", "CHECKED_IN"))
                .exchange().expectStatus().isOk();
        http.patch().uri("/integration/v1/appointments/" + visited).headers(h -> h.setBearerAuth(client))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("status", "COMPLETED"))
                .exchange().expectStatus().isOk();
        UUID invitation = surveys.invitationFor(UUID.fromString(visited));
        surveys.respond(token, invitation, List.of(Map.of("questionId", "nps", "score", 9),
                Map.of("questionId", "rating", "score", 4), Map.of("questionId", "comment", "text", comment)), true)
                .expectStatus().isOk();
        http.post().uri("/api/v1/waitlist").headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("doctorId", seeded.doctorId(), "date", day.plusDays(4).toLocalDate().toString(),
                        "patientId", child))
                .exchange().expectStatus().isCreated();
        // Reports: a lab result for the patient, an imaging report with its PDF for the child.
        String labValue = "4." + marker;
        String findings = "Findings " + marker + ": no fracture.";
        byte[] pdf = ("%PDF-1.7\n% report " + marker + "\n%%EOF").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        pushReport(client, Map.of("externalId", "lab-" + marker, "patientId", self, "kind", "LAB",
                "title", "Potassium", "issuedAt", OffsetDateTime.now().toString(), "status", "FINAL", "version", 1,
                "items", List.of(Map.of("code", "K", "name", "Potassium", "value", labValue, "abnormal", "H"))));
        pushReport(client, Map.of("externalId", "ct-" + marker, "patientId", child, "kind", "IMAGING",
                "title", "X-ray wrist", "issuedAt", OffsetDateTime.now().toString(), "status", "FINAL", "version", 1,
                "imaging", Map.of("findings", findings, "impression", "Normal")));
        http.put().uri("/integration/v1/reports/ct-" + marker + "/pdf").headers(h -> h.setBearerAuth(client))
                .contentType(MediaType.APPLICATION_PDF).bodyValue(pdf).exchange().expectStatus().isOk();
        // Feedback: a complaint about the child, with a staff note and a reply quoting it.
        String complaint = "Complaint " + marker + ": the ward was cold.";
        String ticket = (String) http.post().uri("/api/v1/feedback").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("category", "complaint", "patientId", child, "message", complaint))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
        String agent = staffToken("agent-" + marker, "FEEDBACK_AGENT");
        http.post().uri("/staff/v1/feedback/{id}/notes", ticket).headers(h -> h.setBearerAuth(agent))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("body", "Note on " + complaint))
                .exchange().expectStatus().isOk();
        http.post().uri("/staff/v1/feedback/{id}/replies", ticket).headers(h -> h.setBearerAuth(agent))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("message", "Sorry: " + complaint))
                .exchange().expectStatus().isOk();
        // And an export, whose content holds everything.
        String export = (String) http.post().uri("/api/v1/me/data-export").headers(h -> h.setBearerAuth(token))
                .exchange().expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody().get("id");
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                "READY".equals(http.get().uri("/api/v1/me/data-export/{id}", export).headers(h -> h.setBearerAuth(token))
                        .exchange().expectBody(Map.class).returnResult().getResponseBody().get("status")));

        // The export holds the survey answers and the feedback too.
        for (String text : List.of(comment, complaint)) {
            assertThat(db.sql("select count(*) as n from app.data_exports where id = :id and strpos(content, :text) > 0")
                    .bind("id", UUID.fromString(export)).bind("text", text).map(row -> row.get("n", Long.class)).one()
                    .block(Duration.ofSeconds(5))).as(text).isEqualTo(1);
        }

        // What would lead back to the person, as stored: names, address, user agent, the numbers themselves, and
        // their ciphertexts and keyed hashes (as a row's text shows a bytea: \x and hex).
        List<String> needles = new ArrayList<>(List.of(selfName, childName, address, contactName, userAgent, comment,
                complaint,
                phone.substring(3), selfId.substring(0, 17), childId.substring(0, 17), labValue, findings,
                HexFormat.of().formatHex(pdf)));
        needles.addAll(storedSecrets("select phone_enc, phone_hash, national_id_enc, national_id_hash, "
                + "emergency_contact_phone_enc from app.patients where id = any(cast(:ids as uuid[]))", self, child));
        needles.addAll(storedSecrets("select p.phone_hash from auth.phone_identities p join app.patients s "
                + "on s.account_id = p.account_id where s.id = any(cast(:ids as uuid[]))", self, child));
        byte[] authPhoneHash = db.sql("select p.phone_hash from auth.phone_identities p join app.patients s "
                        + "on s.account_id = p.account_id where s.id = :self").bind("self", self)
                .map(row -> row.get("phone_hash", byte[].class)).one().block(Duration.ofSeconds(5));
        needles.add(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(authPhoneHash));
        // Before: the profile, the sign-in identity and its rate-limit counters, the person keys of appointments and
        // waitlist entries, the consent ledger's user agent and the export all hold some of it.
        assertThat(matches(needles)).as("tables holding personal data before the erasure").contains("app.patients",
                "auth.phone_identities", "auth.otp_challenges", "auth.rate_limit_windows",
                "app.appointments", "app.waitlist_entries", "app.consent_records", "app.data_exports",
                "app.report_versions", "app.report_pdfs", "app.survey_answers", "app.feedback_tickets",
                "app.feedback_events");

        // Request it, and let the grace period pass.
        String id = eraseNow(token);
        erasureRequest(token)
                .jsonPath("$.completedAt").isNotEmpty()
                .jsonPath("$.summary.patientsErased").isEqualTo(2)
                .jsonPath("$.summary.appointmentsCancelled").isEqualTo(2)
                .jsonPath("$.summary.waitlistEntriesClosed").isEqualTo(1)
                .jsonPath("$.summary.dataExportsDeleted").isEqualTo(1)
                .jsonPath("$.summary.reportsDeleted").isEqualTo(2)
                .jsonPath("$.summary.surveyTextsBlanked").isEqualTo(1)
                .jsonPath("$.summary.surveyResponsesDetached").isEqualTo(1)
                .jsonPath("$.summary.feedbackTicketsDetached").isEqualTo(1);
        http.delete().uri("/api/v1/me/erasure-request").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:erasure-completed");

        // Nothing in any table leads back to the person.
        assertThat(matches(needles)).as("tables still holding personal data").isEmpty();

        // The upcoming appointments were cancelled, their places given back, and the hospital told.
        assertThat(text("select status from app.appointments where id = :id", upcoming)).isEqualTo("CANCELLED");
        assertThat(text("select status from app.appointments where id = :id", childUpcoming)).isEqualTo("CANCELLED");
        assertThat(text("select booked::text from app.slots where id = :id", selfSlot)).isEqualTo("0");
        assertThat(text("select actor_kind || ':' || actor_id from app.appointment_status_history "
                + "where appointment_id = :id order by id desc limit 1", upcoming)).isEqualTo("system:erasure");
        assertThat(text("select string_agg(payload -> 'data' ->> 'cancelledBy', ',') from notifications.outbox "
                + "where topic = 'webhook.appointment.cancelled' and subject_id = :id", upcoming))
                .isEqualTo("patient_erasure");
        // The visit the hospital recorded stays, pointing at the now anonymous record.
        assertThat(text("select status || ':' || patient_id from app.appointments where id = :id", visited))
                .isEqualTo("COMPLETED:" + self);
        // The survey's scores stay for the statistics, detached from the person and the visit.
        assertThat(text("select coalesce(patient_id::text, '-') || ':' || coalesce(appointment_id::text, '-') || ':' "
                + "|| (select string_agg(question_id || '=' || coalesce(score::text, text, '-'), ',' order by question_id) "
                + "from app.survey_answers where invitation_id = i.id) from app.survey_invitations i where id = :id",
                invitation)).isEqualTo("-:-:comment=-,nps=9,rating=4");
        assertThat(text("select status from app.waitlist_entries where patient_id = :id", child))
                .isEqualTo("LEFT");
        // No message for them is left waiting; the consent ledger keeps its decisions.
        assertThat(text("select count(*)::text from notifications.outbox where patient_id = any(cast(:id as uuid[])) "
                + "and status = 'pending'", new UUID[] {self, child})).isEqualTo("0");
        assertThat(text("select count(*)::text from app.consent_records where patient_id = :id "
                + "and client_ip is null and user_agent is null", self)).isEqualTo("1");
        assertThat(text("select count(*)::text from app.patients where id = any(cast(:id as uuid[])) "
                + "and erased_at is not null and account_id is null", new UUID[] {self, child})).isEqualTo("2");
        assertThat(text("select count(*)::text from app.family_links where owner_patient_id = :id", self)).isEqualTo("0");
        assertThat(text("select count(*)::text from notifications.contact_preferences where patient_id = :id", self))
                .isEqualTo("0");
        assertThat(text("select count(*)::text from app.audit_events where action = 'erase' and actor_kind = 'system' "
                + "and resource_id = cast(:id as text)", id)).isEqualTo("2");

        // The sessions end, and the same phone now starts a new, empty account.
        http.post().uri("/api/v1/auth/refresh").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refresh_token", refreshToken)).exchange().expectStatus().isUnauthorized();
        http.get().uri("/api/v1/appointments").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isNotFound();
        String again = (String) signInWithPhone(phone).get("access_token");
        http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(again)).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.id").value(newId -> assertThat(newId).isNotEqualTo(self.toString()))
                .jsonPath("$.name").doesNotExist();

        // The hospital's change feed still reads (and validates against the contract) with the name gone.
        http.get().uri(uri -> uri.path("/integration/v1/appointments")
                        .queryParam("updatedSince", OffsetDateTime.now().minusMinutes(10).toString()).build())
                .headers(h -> h.setBearerAuth(client)).exchange().expectStatus().isOk();
    }

    private String book(String token, UUID slot, UUID patientId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("slotId", slot);
        if (patientId != null) {
            body.put("patientId", patientId);
        }
        return (String) http.post().uri("/api/v1/appointments").headers(h -> {
                    h.setBearerAuth(token);
                    h.set("Idempotency-Key", UUID.randomUUID().toString());
                }).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
    }

    private void pushReport(String client, Map<String, Object> report) {
        http.post().uri("/integration/v1/reports").headers(h -> h.setBearerAuth(client))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(report).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.applied").isEqualTo(true);
    }

    private String outboxStatus(UUID subject) {
        return db.sql("select status from notifications.outbox where subject_id = :id and topic = 'privacy.erasure'")
                .bind("id", subject).map(row -> row.get("status", String.class)).one().block(Duration.ofSeconds(5));
    }

    /** The one text value the query answers; {@code :id} is a uuid, or a uuid[] when given an array. */
    private String text(String sql, Object id) {
        Object value = id instanceof String s ? UUID.fromString(s) : id;
        return db.sql(sql).bind("id", value).map(row -> row.get(0, String.class)).one().block(Duration.ofSeconds(5));
    }

    /** Every non-null bytea column of the rows, as a row's text shows it. */
    private List<String> storedSecrets(String sql, UUID... ids) {
        return db.sql(sql).bind("ids", ids).map((row, meta) -> {
                    List<String> values = new ArrayList<>();
                    for (int i = 0; i < meta.getColumnMetadatas().size(); i++) {
                        byte[] value = row.get(i, byte[].class);
                        if (value != null) {
                            values.add("\\x" + HexFormat.of().formatHex(value));
                        }
                    }
                    return values;
                })
                .all().collectList().block(Duration.ofSeconds(5))
                .stream().flatMap(List::stream).toList();
    }

    /** "schema.table" for every table of ours where some row's text contains one of the needles. */
    private List<String> matches(List<String> needles) {
        List<String> tables = db.sql("select table_schema || '.' || table_name as t from information_schema.tables "
                        + "where table_schema in ('app', 'auth', 'notifications') and table_type = 'BASE TABLE' "
                        + "order by 1")
                .map(row -> row.get("t", String.class)).all().collectList().block(Duration.ofSeconds(5));
        assertThat(tables).contains("app.patients", "auth.phone_identities", "notifications.outbox",
                "app.consent_records", "app.audit_events");
        List<String> found = new ArrayList<>();
        for (String table : tables) {
            Long n = db.sql("select count(*) as n from " + table + " t where exists (select 1 from "
                            + "unnest(cast(:needles as text[])) as needle where strpos(t::text, needle) > 0)")
                    .bind("needles", needles.toArray(String[]::new))
                    .map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(10));
            if (n != null && n > 0) {
                found.add(table);
            }
        }
        return found;
    }

    /** A random, valid mainland ID number (GB 11643 check digit), born 1980. */
    private static String nationalId() {
        String body = "110105" + "1980" + String.format("%02d%02d", ThreadLocalRandom.current().nextInt(1, 13),
                ThreadLocalRandom.current().nextInt(1, 29)) + String.format("%03d", ThreadLocalRandom.current().nextInt(1000));
        int[] weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            sum += (body.charAt(i) - '0') * weights[i];
        }
        return body + "10X98765432".charAt(sum % 11);
    }
}

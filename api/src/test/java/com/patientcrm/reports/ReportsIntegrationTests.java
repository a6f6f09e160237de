package com.patientcrm.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.patientcrm.booking.HospitalFixtures;
import com.patientcrm.support.ExternalFakes;
import com.patientcrm.support.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Reports end to end: the hospital pushes lab and imaging reports (newest version wins, every version kept) and
 * their PDFs; patients read their own and their family's, flagged, audited and never cached; a ready or amended
 * report is announced in generic words.
 */
class ReportsIntegrationTests extends IntegrationTest {

    static final String ZONE = "Asia/Shanghai";

    String client;
    HospitalFixtures.Seeded seeded;
    OffsetDateTime issued;

    @BeforeEach
    void seed() {
        client = clientToken();
        seeded = new HospitalFixtures(http, client).departmentAndDoctor(ZONE, 14);
        issued = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).minusHours(1);
    }

    @Test
    void aLabReportIsFlaggedListedReadAuditedAndAnnouncedWithoutItsResults() {
        String token = patientToken();
        UUID patient = self(token);
        String fcmToken = "fcm-" + UUID.randomUUID();
        http.post().uri("/api/v1/me/devices").headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("token", fcmToken, "platform", "android")).exchange().expectStatus().isCreated();
        // No quiet hours: by default 22:00-08:00 in Shanghai, which would hold the push when the test runs then.
        http.patch().uri("/api/v1/me/preferences").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("quietHours", Map.of("enabled", false, "timeZone", "Asia/Shanghai", "start", "22:00",
                        "end", "08:00")))
                .exchange().expectStatus().isOk();

        String external = "lab-" + UUID.randomUUID();
        Map<?, ?> pushed = push(lab(external, patient, 1, "FINAL", "13.5")).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(pushed.get("applied")).isEqualTo(true);
        UUID id = UUID.fromString((String) pushed.get("id"));
        // A replay changes nothing and announces nothing twice.
        push(lab(external, patient, 1, "FINAL", "13.5")).expectStatus().isOk().expectBody()
                .jsonPath("$.applied").isEqualTo(false).jsonPath("$.id").isEqualTo(id.toString())
                .jsonPath("$.versionNumber").isEqualTo(1);

        patient(token).get().uri("/api/v1/reports").exchange().expectStatus().isOk()
                .expectHeader().cacheControl(CacheControl.noStore())
                .expectBody().jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].id").isEqualTo(id.toString())
                .jsonPath("$.items[0].kind").isEqualTo("LAB")
                .jsonPath("$.items[0].abnormalCount").isEqualTo(2)
                .jsonPath("$.items[0].critical").isEqualTo(true)
                .jsonPath("$.items[0].amended").isEqualTo(false)
                .jsonPath("$.items[0].departmentName").isNotEmpty()
                .jsonPath("$.nextCursor").isEmpty();
        patient(token).get().uri("/api/v1/reports/{id}", id).exchange().expectStatus().isOk()
                .expectHeader().cacheControl(CacheControl.noStore())
                .expectBody().jsonPath("$.title").isEqualTo("Complete blood count")
                .jsonPath("$.items.length()").isEqualTo(3)
                .jsonPath("$.items[0].value").isEqualTo("13.5")
                .jsonPath("$.items[0].abnormal").isEqualTo("H")
                .jsonPath("$.items[1].abnormal").isEqualTo("CRITICAL")
                .jsonPath("$.items[2].abnormal").isEmpty()
                .jsonPath("$.imaging").isEmpty()
                .jsonPath("$.pdf").isEmpty()
                .jsonPath("$.versionCount").isEqualTo(1);
        assertThat(audit(patient, "report")).containsExactly("search:allowed", "read:allowed");

        // Ready: in the inbox with the report's title only, and pushed through FCM in the category's generic words.
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !inbox(token).isEmpty());
        Map<?, ?> item = inbox(token).get(0);
        assertThat(item.get("category")).isEqualTo("report_ready");
        assertThat(item.get("title")).isEqualTo("报告已出");
        assertThat((String) item.get("body")).contains("Complete blood count").doesNotContain("13.5")
                .doesNotContain("Platelets").doesNotContain("CRITICAL");
        assertThat(item.get("deepLink")).isEqualTo("pages/report/detail?id=" + id);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !pushes(fcmToken).isEmpty());
        // One message (a provider timeout on a loaded machine may make the stand-in see it again: at least once).
        assertThat(pushes(fcmToken)).allSatisfy(push -> assertThat(push.getBodyAsString())
                .contains("报告已出").contains("report_ready").doesNotContain("Complete blood count")
                .doesNotContain("13.5").doesNotContain("Platelets").doesNotContain("CRITICAL"));
        assertThat(pushes(fcmToken).stream().map(push -> push.getBodyAsString().replaceAll(".*\"messageId\":\"([^\"]+)\".*", "$1"))
                .distinct()).hasSize(1);
        assertThat(db.sql("select count(*) as n from notifications.outbox where topic = 'report.ready' and subject_id = :id")
                .bind("id", id).map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5))).isEqualTo(1);
    }

    @Test
    void anAmendmentIsAnnouncedAsReadyWhenThePatientWasNeverToldOfTheEarlierVersion() {
        String token = patientToken();
        UUID patient = self(token);
        String external = "lab-" + UUID.randomUUID();
        UUID id = UUID.fromString((String) push(lab(external, patient, 1, "FINAL", "13.5")).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("id"));
        // Finished (not merely claimed: a claimed message's outcome would overwrite the status set below).
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> List.of("done", "skipped", "dead").contains(message(id, 1)));
        // As if the amendment had superseded version 1 before its notice went out (the notifier skips it then).
        db.sql("update notifications.outbox set status = 'skipped' where dedupe_key = :k")
                .bind("k", "report.ready:" + id + ":1").then().block(Duration.ofSeconds(5));
        push(lab(external, patient, 2, "AMENDED", "12.1")).expectStatus().isOk();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "done".equals(message(id, 2)));
        assertThat(inbox(token).get(0).get("title")).isEqualTo("报告已出");
    }

    @Test
    void anAmendedReportKeepsItsHistoryAndThePatientSeesTheLatest() {
        String token = patientToken();
        UUID patient = self(token);
        String external = "lab-" + UUID.randomUUID();
        UUID id = UUID.fromString((String) push(lab(external, patient, 2, "FINAL", "13.5")).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("id"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> titles(token).contains("报告已出"));

        push(lab(external, patient, 5, "AMENDED", "12.1")).expectStatus().isOk().expectBody()
                .jsonPath("$.applied").isEqualTo(true).jsonPath("$.versionNumber").isEqualTo(5);
        // Out of order: an older version arriving late never rolls the report back.
        push(lab(external, patient, 3, "FINAL", "99.9")).expectStatus().isOk().expectBody()
                .jsonPath("$.applied").isEqualTo(false).jsonPath("$.versionNumber").isEqualTo(5);

        patient(token).get().uri("/api/v1/reports/{id}", id).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("AMENDED")
                .jsonPath("$.versionNumber").isEqualTo(5)
                .jsonPath("$.versionCount").isEqualTo(2)
                .jsonPath("$.amended").isEqualTo(true)
                .jsonPath("$.amendedAt").isNotEmpty()
                .jsonPath("$.items[0].value").isEqualTo("12.1");
        patient(token).get().uri("/api/v1/reports/{id}/versions", id).exchange().expectStatus().isOk()
                .expectHeader().cacheControl(CacheControl.noStore())
                .expectBody().jsonPath("$.length()").isEqualTo(2)
                .jsonPath("$[0].versionNumber").isEqualTo(5)
                .jsonPath("$[0].items[0].value").isEqualTo("12.1")
                .jsonPath("$[1].versionNumber").isEqualTo(2)
                .jsonPath("$[1].status").isEqualTo("FINAL")
                .jsonPath("$[1].items[0].value").isEqualTo("13.5");
        assertThat(audit(patient, "report-versions")).containsExactly("read:allowed");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> List.of("done", "skipped", "dead").contains(message(id, 5)));
        assertThat(message(id, 5)).isEqualTo("done");
        assertThat(titles(token)).contains("报告已更新");
        assertThat(inbox(token).get(0).get("body").toString()).contains("Complete blood count").doesNotContain("12.1");

        // Cancelled by the hospital: gone from the patient's view; nothing more is announced.
        push(lab(external, patient, 6, "CANCELLED", "12.1")).expectStatus().isOk().expectBody()
                .jsonPath("$.applied").isEqualTo(true);
        patient(token).get().uri("/api/v1/reports/{id}", id).exchange().expectStatus().isNotFound();
        patient(token).get().uri("/api/v1/reports").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(0);
    }

    @Test
    void concurrentPushesOfOneReportEndAtTheNewestVersionAndAnnounceItOnceAsNew() {
        String token = patientToken();
        UUID patient = self(token);
        String external = "lab-" + UUID.randomUUID();
        List<Long> versions = new java.util.ArrayList<>(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L));
        java.util.Collections.shuffle(versions);
        List<Boolean> applied = reactor.core.publisher.Flux.fromIterable(versions)
                .flatMap(version -> reactor.core.publisher.Mono.fromCallable(() -> (Boolean) push(
                                lab(external, patient, version, "FINAL", "1" + version)).expectStatus().isOk()
                                .expectBody(Map.class).returnResult().getResponseBody().get("applied"))
                        .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()))
                .collectList().block(Duration.ofSeconds(60));
        long stored = applied.stream().filter(Boolean::booleanValue).count();
        Map<?, ?> report = page(token, "/api/v1/reports");
        String id = ids(report).get(0);
        patient(token).get().uri("/api/v1/reports/{id}", id).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.versionNumber").isEqualTo(8).jsonPath("$.items[0].value").isEqualTo("18")
                .jsonPath("$.versionCount").isEqualTo((int) stored);
        // Each applied version has its message; only the first is "ready", every later one an amendment.
        List<String> kinds = db.sql("select payload ->> 'amended' as a from notifications.outbox "
                        + "where topic = 'report.ready' and subject_id = :id")
                .bind("id", UUID.fromString(id)).map(row -> row.get("a", String.class)).all().collectList()
                .block(Duration.ofSeconds(5));
        assertThat(kinds).hasSize((int) stored);
        assertThat(kinds.stream().filter("false"::equals)).hasSize(1);
    }

    @Test
    void familyMembersReportsAreReadThroughTheAccountAndPaged() {
        String token = patientToken();
        UUID self = self(token);
        UUID child = UUID.fromString((String) patient(token).post().uri("/api/v1/me/family-members")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("relationship", "child", "name", "Xiao Ming"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id"));
        push(lab("lab-" + UUID.randomUUID(), self, 1, "FINAL", "5.0")).expectStatus().isOk();
        Map<String, Object> older = lab("lab-" + UUID.randomUUID(), child, 1, "FINAL", "6.0");
        older.put("issuedAt", issued.minusDays(2).toString());
        push(older).expectStatus().isOk();
        Map<String, Object> scan = imaging("ct-" + UUID.randomUUID(), child, 1);
        scan.put("issuedAt", issued.minusDays(1).toString());
        String scanId = (String) push(scan).expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody()
                .get("id");
        // Preliminary reports are not shown to patients.
        push(lab("lab-" + UUID.randomUUID(), child, 1, "PRELIMINARY", "7.0")).expectStatus().isOk();

        Map<?, ?> first = page(token, "/api/v1/reports?limit=2");
        assertThat(ids(first)).hasSize(2);
        assertThat(first.get("nextCursor")).isNotNull();
        Map<?, ?> second = page(token, "/api/v1/reports?limit=2&cursor=" + first.get("nextCursor"));
        assertThat(ids(second)).hasSize(1);
        assertThat(second.get("nextCursor")).isNull();
        Map<?, ?> childs = page(token, "/api/v1/reports?patientId=" + child);
        assertThat(ids(childs)).hasSize(2).startsWith(scanId);
        patient(token).get().uri("/api/v1/reports/{id}", scanId).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.kind").isEqualTo("IMAGING")
                .jsonPath("$.patientId").isEqualTo(child.toString())
                .jsonPath("$.imaging.impression").isEqualTo("No acute intracranial abnormality.")
                .jsonPath("$.abnormalCount").isEqualTo(0)
                .jsonPath("$.items").isEmpty();
        assertThat(audit(child, "report")).contains("search:allowed", "read:allowed");

        // Someone else's family member is not found, and a bad cursor is a validation problem.
        patient(patientToken()).get().uri("/api/v1/reports?patientId=" + child).exchange().expectStatus().isNotFound();
        patient(token).get().uri("/api/v1/reports?cursor=not-a-cursor").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("cursor");
        patient(token).get().uri("/api/v1/reports?limit=0").exchange().expectStatus().isBadRequest();
        patient(token).get().uri("/api/v1/reports/not-a-uuid").exchange().expectStatus().isBadRequest();
    }

    @Test
    void anotherPatientsReportIsNotFoundAndTheDenialAudited() {
        String owner = patientToken();
        UUID id = UUID.fromString((String) push(lab("lab-" + UUID.randomUUID(), self(owner), 1, "FINAL", "4.2"))
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id"));
        putPdf(id.toString(), MediaType.APPLICATION_PDF_VALUE, pdf(2_000)).expectStatus().isNotFound();

        String stranger = patientToken();
        UUID strangerId = self(stranger);
        for (String path : List.of("/api/v1/reports/" + id, "/api/v1/reports/" + id + "/versions",
                "/api/v1/reports/" + id + "/pdf")) {
            patient(stranger).get().uri(path).exchange().expectStatus().isNotFound()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:not-found");
        }
        String account = db.sql("select account_id::text as a from app.patients where id = :id").bind("id", strangerId)
                .map(row -> row.get("a", String.class)).one().block(Duration.ofSeconds(5));
        List<String> denials = db.sql("select resource || ' ' || outcome as r from app.audit_events "
                        + "where actor_id = :actor and actor_kind = 'patient' and outcome <> 'allowed' order by id")
                .bind("actor", account).map(row -> row.get("r", String.class)).all().collectList()
                .block(Duration.ofSeconds(5));
        assertThat(denials).containsExactly("/api/v1/reports/" + id + " not_found",
                "/api/v1/reports/" + id + "/versions not_found", "/api/v1/reports/" + id + "/pdf not_found");
        patient(stranger).get().uri("/api/v1/reports").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(0);
    }

    @Test
    void aPdfIsUploadedCheckedAndDownloaded() {
        String token = patientToken();
        UUID patient = self(token);
        String external = "ct-" + UUID.randomUUID();
        String id = (String) push(imaging(external, patient, 1)).expectStatus().isOk().expectBody(Map.class)
                .returnResult().getResponseBody().get("id");
        patient(token).get().uri("/api/v1/reports/{id}/pdf", id).exchange().expectStatus().isNotFound();

        byte[] content = pdf(20_000);
        putPdf(external, MediaType.APPLICATION_PDF_VALUE, content).expectStatus().isOk().expectBody()
                .jsonPath("$.reportId").isEqualTo(id).jsonPath("$.sizeBytes").isEqualTo(content.length)
                .jsonPath("$.versionNumber").isEqualTo(1);
        patient(token).get().uri("/api/v1/reports/{id}", id).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.pdf.sizeBytes").isEqualTo(content.length)
                .jsonPath("$.pdf.versionNumber").isEqualTo(1);
        byte[] downloaded = patient(token).get().uri("/api/v1/reports/{id}/pdf", id).exchange().expectStatus().isOk()
                .expectHeader().contentType(MediaType.APPLICATION_PDF)
                .expectHeader().cacheControl(CacheControl.noStore())
                .expectHeader().valueEquals("Content-Disposition", "attachment; filename=\"report-" + id + ".pdf\"")
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(downloaded).isEqualTo(content);
        assertThat(audit(patient, "report-pdf")).containsExactly("read:allowed");

        // Checked by content and size, not only by the header.
        putPdf(external, MediaType.TEXT_PLAIN_VALUE, content).expectStatus().isEqualTo(415)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        putPdf(external, MediaType.APPLICATION_PDF_VALUE, "<html>not a pdf</html>".getBytes(StandardCharsets.UTF_8))
                .expectStatus().isEqualTo(422).expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:invalid-pdf");
        putPdf(external, MediaType.APPLICATION_PDF_VALUE, pdf(64 * 1024 + 1)).expectStatus().isEqualTo(413)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:payload-too-large");
        putPdf("no-such-report", MediaType.APPLICATION_PDF_VALUE, content).expectStatus().isNotFound();
        // What was stored stays.
        assertThat(patient(token).get().uri("/api/v1/reports/{id}/pdf", id).exchange().expectStatus().isOk()
                .expectBody(byte[].class).returnResult().getResponseBody()).isEqualTo(content);
    }

    @Test
    void pushesAreCheckedAndNeedTheReportsScope() {
        UUID patient = self(patientToken());
        Map<String, Object> noItems = lab("lab-" + UUID.randomUUID(), patient, 1, "FINAL", "1");
        noItems.remove("items");
        push(noItems).expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("items");
        Map<String, Object> mixed = imaging("ct-" + UUID.randomUUID(), patient, 1);
        mixed.put("items", List.of(Map.of("code", "X", "name", "X")));
        push(mixed).expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("imaging");
        Map<String, Object> badFlag = lab("lab-" + UUID.randomUUID(), patient, 1, "FINAL", "1");
        badFlag.put("items", List.of(Map.of("code", "X", "name", "X", "abnormal", "HIGH")));
        push(badFlag).expectStatus().isBadRequest();
        push(lab("lab-" + UUID.randomUUID(), UUID.randomUUID(), 1, "FINAL", "1")).expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.field").isEqualTo("patientId");
        Map<String, Object> strangeAppointment = lab("lab-" + UUID.randomUUID(), patient, 1, "FINAL", "1");
        strangeAppointment.put("appointmentId", UUID.randomUUID());
        push(strangeAppointment).expectStatus().isEqualTo(422).expectBody().jsonPath("$.field").isEqualTo("appointmentId");
        Map<String, Object> strangeDepartment = lab("lab-" + UUID.randomUUID(), patient, 1, "FINAL", "1");
        strangeDepartment.put("departmentExternalId", "no-such-department");
        push(strangeDepartment).expectStatus().isEqualTo(422).expectBody()
                .jsonPath("$.field").isEqualTo("departmentExternalId");

        String slotsOnly = (String) http.post().uri("/oauth2/token").headers(h -> h.setBasicAuth(CLIENT_ID, CLIENT_SECRET))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("grant_type=client_credentials&scope=slots:write").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("access_token");
        http.post().uri("/integration/v1/reports").headers(h -> h.setBearerAuth(slotsOnly))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(lab("lab-" + UUID.randomUUID(), patient, 1, "FINAL", "1"))
                .exchange().expectStatus().isForbidden();
        http.post().uri("/integration/v1/reports").headers(h -> h.setBearerAuth(patientToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(lab("lab-" + UUID.randomUUID(), patient, 1, "FINAL", "1"))
                .exchange().expectStatus().isForbidden();
        http.get().uri("/api/v1/reports").headers(h -> h.setBearerAuth(client)).exchange().expectStatus().isForbidden();
    }

    private Map<String, Object> lab(String external, UUID patient, long version, String status, String hemoglobin) {
        Map<String, Object> report = new HashMap<>();
        report.put("externalId", external);
        report.put("patientId", patient);
        report.put("departmentExternalId", seeded.departmentExternalId());
        report.put("kind", "LAB");
        report.put("title", "Complete blood count");
        report.put("issuedAt", issued.toString());
        report.put("status", status);
        report.put("version", version);
        Map<String, Object> normal = new HashMap<>(Map.of("code", "WBC", "name", "White blood cells", "value", "6.1",
                "unit", "10^9/L", "referenceRange", "3.5-9.5"));
        report.put("items", List.of(
                Map.of("code", "HGB", "name", "Hemoglobin", "value", hemoglobin, "unit", "g/dL",
                        "referenceRange", "11.5-15.0", "abnormal", "H"),
                Map.of("code", "PLT", "name", "Platelets", "value", "12", "unit", "10^9/L",
                        "referenceRange", "125-350", "abnormal", "CRITICAL"),
                normal));
        return report;
    }

    private Map<String, Object> imaging(String external, UUID patient, long version) {
        Map<String, Object> report = new HashMap<>();
        report.put("externalId", external);
        report.put("patientId", patient);
        report.put("kind", "IMAGING");
        report.put("title", "CT head without contrast");
        report.put("issuedAt", issued.toString());
        report.put("status", "FINAL");
        report.put("version", version);
        report.put("imaging", Map.of("modality", "CT", "bodySite", "Head",
                "findings", "No haemorrhage, mass effect or midline shift.",
                "impression", "No acute intracranial abnormality."));
        return report;
    }

    private WebTestClient.ResponseSpec push(Map<String, Object> report) {
        return http.post().uri("/integration/v1/reports").headers(h -> h.setBearerAuth(client))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(report).exchange();
    }

    private WebTestClient.ResponseSpec putPdf(String external, String contentType, byte[] content) {
        return http.put().uri("/integration/v1/reports/{ext}/pdf", external).headers(h -> h.setBearerAuth(client))
                .contentType(MediaType.parseMediaType(contentType)).bodyValue(content).exchange();
    }

    /** A PDF-looking document of this many bytes. */
    private static byte[] pdf(int size) {
        byte[] content = new byte[size];
        Arrays.fill(content, (byte) ' ');
        byte[] head = "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, content, 0, head.length);
        return content;
    }

    private WebTestClient patient(String token) {
        return http.mutate().defaultHeaders(h -> h.setBearerAuth(token)).build();
    }

    private UUID self(String token) {
        return UUID.fromString((String) patient(token).get().uri("/api/v1/me").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("id"));
    }

    private Map<?, ?> page(String token, String uri) {
        return patient(token).get().uri(uri).exchange().expectStatus().isOk().expectBody(Map.class).returnResult()
                .getResponseBody();
    }

    private static List<String> ids(Map<?, ?> page) {
        return ((List<?>) page.get("items")).stream().map(item -> (String) ((Map<?, ?>) item).get("id")).toList();
    }

    /** The allowed reads of the patient's data on this resource, oldest first, as "action:outcome". */
    private List<String> audit(UUID patient, String resource) {
        return db.sql("select action || ':' || outcome as a from app.audit_events where patient_id = :p "
                        + "and resource = :r order by id")
                .bind("p", patient).bind("r", resource).map(row -> row.get("a", String.class)).all().collectList()
                .block(Duration.ofSeconds(5));
    }

    private List<Map<?, ?>> inbox(String token) {
        return ((List<?>) page(token, "/api/v1/me/notifications?limit=100").get("items")).stream()
                .<Map<?, ?>>map(item -> (Map<?, ?>) item).toList();
    }

    private List<String> titles(String token) {
        return inbox(token).stream().map(item -> (String) item.get("title")).toList();
    }

    /** The status (and last error) of the report's "ready" message for this version. */
    private String message(UUID report, long version) {
        return db.sql("select status || coalesce(': ' || last_error, '') as s from notifications.outbox "
                        + "where dedupe_key = :key")
                .bind("key", "report.ready:" + report + ":" + version).map(row -> row.get("s", String.class)).one()
                .block(Duration.ofSeconds(5));
    }

    private static List<LoggedRequest> pushes(String fcmToken) {
        return ExternalFakes.fcm().findAll(WireMock.postRequestedFor(
                WireMock.urlPathEqualTo("/v1/projects/test-project/messages:send")).withRequestBody(WireMock.containing(fcmToken)));
    }
}

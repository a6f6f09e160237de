package com.patientcrm.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.inbox.WeChatPushes;
import com.patientcrm.support.IntegrationTest;
import com.patientcrm.support.WebhookReceiver;
import com.standardwebhooks.Webhook;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;

/**
 * The feedback CRM end to end over HTTP: a patient's complaint reaches connected staff live (and alerts managers),
 * is assigned, noted, answered and resolved, and the patient reads the answer; WeChat messages become tickets and
 * join the conversation; the SLA job flags what waited too long; the external CRM gets every event, signed.
 */
class FeedbackIntegrationTests extends IntegrationTest {

    @Test
    void aComplaintReachesStaffLiveAndTheirReplyReachesThePatient() {
        String manager = staffToken("manager-" + UUID.randomUUID(), "FEEDBACK_MANAGER");
        String agentId = "agent-" + UUID.randomUUID();
        String agent = staffToken(agentId, "FEEDBACK_AGENT");
        List<ServerSentEvent<Map<String, Object>>> managerSees = new CopyOnWriteArrayList<>();
        List<ServerSentEvent<Map<String, Object>>> agentSees = new CopyOnWriteArrayList<>();
        Disposable managerStream = listen(manager, managerSees);
        Disposable agentStream = listen(agent, agentSees);
        try {
            String token = patientToken();
            UUID patient = self(token);
            long sent = System.nanoTime();
            Map<?, ?> created = as(token).post().uri("/api/v1/feedback").header("Idempotency-Key", "k-" + UUID.randomUUID())
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("category", "complaint", "message", "挂号后等了三个小时，护士态度很差。"))
                    .exchange().expectStatus().isCreated()
                    .expectHeader().cacheControl(CacheControl.noStore())
                    .expectBody(Map.class).returnResult().getResponseBody();
            UUID ticket = UUID.fromString((String) created.get("id"));
            assertThat(created.get("status")).isEqualTo("NEW");
            assertThat(created.get("patientId")).isEqualTo(patient.toString());
            assertThat(created.keySet().stream().map(String::valueOf).toList()).doesNotContain("priority", "assignee", "tags");

            // Both see it appear; only the manager is alerted, as it is negative.
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> has(agentSees, "ticket", ticket, "created"));
            System.out.printf("Ticket on the staff stream %d ms after the patient sent it%n",
                    (System.nanoTime() - sent) / 1_000_000);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> has(managerSees, "alert", ticket, "created"));
            assertThat(agentSees).noneMatch(event -> "alert".equals(event.event()));
            Map<String, Object> change = find(agentSees, "ticket", ticket, "created");
            assertThat(change).containsEntry("priority", "HIGH").containsEntry("negative", true)
                    .containsEntry("source", "patient").containsEntry("category", "complaint");
            assertThat(change.toString()).doesNotContain("护士");

            // The staff list finds it by a word of it; the detail carries its history.
            as(agent).get().uri(b -> b.path("/staff/v1/feedback").queryParam("q", "态度很差").build())
                    .exchange().expectStatus().isOk().expectHeader().cacheControl(CacheControl.noStore())
                    .expectBody().jsonPath("$.items[0].id").isEqualTo(ticket.toString())
                    .jsonPath("$.items[0].negative").isEqualTo(true);

            // An agent takes it (not for someone else), notes, replies, resolves.
            as(agent).post().uri("/staff/v1/feedback/{id}/assign", ticket).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("assignee", "someone-else")).exchange().expectStatus().isForbidden()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
            as(agent).post().uri("/staff/v1/feedback/{id}/assign", ticket).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("assignee", agentId)).exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.status").isEqualTo("ASSIGNED").jsonPath("$.assignee").isEqualTo(agentId);
            as(agent).post().uri("/staff/v1/feedback/{id}/notes", ticket).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("body", "Called the clinic: the queue system was down that morning."))
                    .exchange().expectStatus().isOk();
            as(agent).post().uri("/staff/v1/feedback/{id}/replies", ticket).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("message", "非常抱歉，当天排队系统故障，我们已整改。")).exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.status").isEqualTo("IN_PROGRESS");
            as(agent).post().uri("/staff/v1/feedback/{id}/status", ticket).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("status", "RESOLVED")).exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.status").isEqualTo("RESOLVED").jsonPath("$.resolvedAt").isNotEmpty();
            // Resolved tickets are not assigned; a resolved ticket can be closed or reopened but not resolved again.
            as(agent).post().uri("/staff/v1/feedback/{id}/status", ticket).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("status", "RESOLVED")).exchange().expectStatus().isEqualTo(409)
                    .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:feedback-transition");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> has(managerSees, "ticket", ticket, "status"));

            Map<?, ?> detail = as(manager).get().uri("/staff/v1/feedback/{id}", ticket).exchange().expectStatus().isOk()
                    .expectBody(Map.class).returnResult().getResponseBody();
            List<Object> kinds = ((List<?>) detail.get("history")).stream().map(e -> (Object) ((Map<?, ?>) e).get("kind")).toList();
            assertThat(kinds).containsExactly("created", "assigned", "note", "reply", "status");

            // The patient sees the reply (not the staff note), and is told there is one.
            as(token).get().uri("/api/v1/feedback/{id}", ticket).exchange().expectStatus().isOk()
                    .expectHeader().cacheControl(CacheControl.noStore())
                    .expectBody().jsonPath("$.status").isEqualTo("RESOLVED")
                    .jsonPath("$.messages.length()").isEqualTo(2)
                    .jsonPath("$.messages[1].from").isEqualTo("hospital")
                    .jsonPath("$.messages[1].body").isEqualTo("非常抱歉，当天排队系统故障，我们已整改。");
            as(token).get().uri("/api/v1/feedback").exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$[0].id").isEqualTo(ticket.toString())
                    .jsonPath("$[0].messages[?(@.body =~ /.*queue system.*/)]").doesNotExist();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> titles(token).contains("反馈已回复"));

            // Another patient cannot see it: 404, audited as a refusal.
            String other = patientToken();
            as(other).get().uri("/api/v1/feedback/{id}", ticket).exchange().expectStatus().isNotFound();
            assertThat(count("select count(*) from app.audit_events where resource = '/api/v1/feedback/" + ticket
                    + "' and outcome = 'not_found'")).isEqualTo(1);
            assertThat(count("select count(*) from app.audit_events where resource = 'feedback' and patient_id = '"
                    + patient + "' and action = 'read'")).isGreaterThanOrEqualTo(2);
        } finally {
            managerStream.dispose();
            agentStream.dispose();
        }
    }

    @Test
    void aRepeatedSubmissionIsOneTicketAndBadInputIsRefusedClearly() {
        String token = patientToken();
        String key = "k-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("category", "suggestion", "message", "Please add more chairs in the lobby.");
        String first = (String) as(token).post().uri("/api/v1/feedback").header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id");
        as(token).post().uri("/api/v1/feedback").header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo(first);

        as(token).post().uri("/api/v1/feedback").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("category", "rant", "message", "x")).exchange().expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        as(token).post().uri("/api/v1/feedback").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("category", "complaint", "message", "x", "appointmentId", UUID.randomUUID()))
                .exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:feedback-appointment");
        as(token).post().uri("/api/v1/feedback").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("category", "complaint", "message", "x", "patientId", UUID.randomUUID()))
                .exchange().expectStatus().isNotFound();
        as(staffToken("agent-" + UUID.randomUUID(), "FEEDBACK_AGENT")).get()
                .uri("/staff/v1/feedback?cursor=abc").exchange().expectStatus().isBadRequest();
        as(staffToken("editor-" + UUID.randomUUID(), "CONTENT_EDITOR")).get().uri("/staff/v1/feedback")
                .exchange().expectStatus().isForbidden();
        as(token).get().uri("/staff/v1/feedback").exchange().expectStatus().isForbidden();
        assertThat(count("select count(*) from app.feedback_tickets where body = 'x'")).isZero();
    }

    @Test
    void weChatMessagesBecomeOneConversationPerPatient() {
        String code = "code-" + UUID.randomUUID();
        String token = (String) signInWithWeChat(code).get("access_token");
        UUID patient = self(token);
        weChat("o-" + code, "医生开的药吃了过敏，想咨询一下");
        weChat("o-" + code, "起红疹了");

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> count("select count(*) from app.feedback_events e "
                + "join app.feedback_tickets t on t.id = e.ticket_id where t.patient_id = '" + patient + "'") == 2);
        assertThat(count("select count(*) from app.feedback_tickets where patient_id = '" + patient
                + "' and source = 'wechat'")).isEqualTo(1);
        List<?> mine = as(token).get().uri("/api/v1/feedback").exchange().expectStatus().isOk()
                .expectBody(List.class).returnResult().getResponseBody();
        assertThat(mine).hasSize(1);
        // The two arrive together: either may open the ticket, the other joins it.
        assertThat(((List<?>) ((Map<?, ?>) mine.get(0)).get("messages")).stream().map(m -> (Object) ((Map<?, ?>) m).get("body")))
                .containsExactlyInAnyOrder("医生开的药吃了过敏，想咨询一下", "起红疹了");

        // A stranger's message is a ticket of its own, with nobody to reply to through the app.
        String text = "stranger " + UUID.randomUUID();
        weChat("o-stranger-" + UUID.randomUUID(), text);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> count("select count(*) from app.feedback_tickets "
                + "where body = '" + text + "' and patient_id is null") == 1);
        UUID anonymous = db.sql("select id from app.feedback_tickets where body = :b").bind("b", text)
                .map(row -> row.get("id", UUID.class)).one().block(Duration.ofSeconds(5));
        as(staffToken("agent-" + UUID.randomUUID(), "FEEDBACK_AGENT")).post()
                .uri("/staff/v1/feedback/{id}/replies", anonymous).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("message", "hello")).exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:feedback-anonymous");
    }

    @Test
    void ticketsPastTheirSlaAreFlaggedAndEveryEventReachesTheExternalCrmSigned() throws Exception {
        String manager = staffToken("manager-" + UUID.randomUUID(), "FEEDBACK_MANAGER");
        List<ServerSentEvent<Map<String, Object>>> seen = new CopyOnWriteArrayList<>();
        Disposable stream = listen(manager, seen);
        try {
            String token = patientToken();
            // Praise is LOW priority, which the tests give 3 seconds.
            UUID ticket = UUID.fromString((String) as(token).post().uri("/api/v1/feedback")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("category", "praise", "message", "Dr Wang was wonderful."))
                    .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                    .get("id"));
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> has(seen, "ticket", ticket, "sla_breached"));
            as(manager).get().uri("/staff/v1/feedback/{id}", ticket).exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.ticket.slaBreached").isEqualTo(true)
                    .jsonPath("$.ticket.priority").isEqualTo("LOW");
            assertThat(seen).noneMatch(e -> "alert".equals(e.event()) && ticket.toString().equals(e.data().get("ticketId")));

            // Reopening gives staff the full time again.
            as(manager).post().uri("/staff/v1/feedback/{id}/status", ticket).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("status", "CLOSED")).exchange().expectStatus().isOk();
            as(manager).post().uri("/staff/v1/feedback/{id}/status", ticket).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("status", "IN_PROGRESS", "comment", "Patient wrote again")).exchange()
                    .expectStatus().isOk().expectBody().jsonPath("$.slaBreached").isEqualTo(false)
                    .jsonPath("$.resolvedAt").isEmpty();

            // The external CRM received created, sla_breached, status (twice): each signed, each once.
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> crmEvents(ticket).size() >= 4);
            List<WebhookReceiver.Received> events = crmEvents(ticket);
            assertThat(events.stream().map(e -> e.body().replaceAll(".*\"type\":\"(ticket\\.[a-z_]+)\".*", "$1")))
                    .containsExactlyInAnyOrder("ticket.created", "ticket.sla_breached", "ticket.status", "ticket.status");
            assertThat(events.stream().map(e -> e.header("webhook-id")).distinct()).hasSize(4);
            Webhook verifier = new Webhook(EXTERNAL_CRM_SECRET);
            for (WebhookReceiver.Received event : events) {
                verifier.verify(event.body(), HttpHeaders.of(Map.of(
                        "webhook-id", List.of(event.header("webhook-id")),
                        "webhook-timestamp", List.of(event.header("webhook-timestamp")),
                        "webhook-signature", List.of(event.header("webhook-signature"))), (a, b) -> true));
            }
        } finally {
            stream.dispose();
        }
    }

    @Test
    void theStaffSeeAPatientWholeMaskedForTheirRoleAndTheReadIsAudited() {
        String token = patientToken();
        UUID patient = self(token);
        as(token).patch().uri("/api/v1/me").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "王小明", "birthDate", "1980-05-17", "phone", "13912345678",
                        "address", "上海市徐汇区某路1号"))
                .exchange().expectStatus().isOk();
        as(token).post().uri("/api/v1/feedback").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("category", "suggestion", "message", "More parking, please."))
                .exchange().expectStatus().isCreated();

        as(staffToken("agent-" + UUID.randomUUID(), "FEEDBACK_AGENT")).get().uri("/staff/v1/patients/{id}", patient)
                .exchange().expectStatus().isOk().expectHeader().cacheControl(CacheControl.noStore())
                .expectBody()
                .jsonPath("$.profile.name").isEqualTo("王**")
                // Stored in E.164 (+86…): only the last four digits show.
                .jsonPath("$.profile.phone").isEqualTo("**********5678")
                .jsonPath("$.profile.birthDate").isEqualTo("1980")
                .jsonPath("$.profile.address").isEmpty()
                .jsonPath("$.tickets[0].subject").isEqualTo("More parking, please.")
                .jsonPath("$.preferences.channels.appointment_change.in_app").isEqualTo(true)
                .jsonPath("$.consents.length()").isNumber();
        as(staffToken("coordinator-" + UUID.randomUUID(), "CARE_COORDINATOR")).get()
                .uri("/staff/v1/patients/{id}", patient).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.profile.name").isEqualTo("王小明")
                .jsonPath("$.profile.phone").isEqualTo("+8613912345678")
                .jsonPath("$.profile.address").isEqualTo("上海市徐汇区某路1号");
        as(staffToken("editor-" + UUID.randomUUID(), "CONTENT_EDITOR")).get().uri("/staff/v1/patients/{id}", patient)
                .exchange().expectStatus().isForbidden();
        as(staffToken("agent-" + UUID.randomUUID(), "FEEDBACK_AGENT")).get()
                .uri("/staff/v1/patients/{id}", UUID.randomUUID()).exchange().expectStatus().isNotFound();
        assertThat(count("select count(*) from app.audit_events where resource = 'patient-360' and patient_id = '"
                + patient + "'")).isEqualTo(2);
    }

    private void weChat(String openid, String text) {
        http.post().uri(WeChatPushes.plain(WeChatPushes.now(), null)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(WeChatPushes.text(openid, WeChatPushes.msgId(), text)).exchange().expectStatus().isOk();
    }

    private List<WebhookReceiver.Received> crmEvents(UUID ticket) {
        return EXTERNAL_CRM.received().stream().filter(r -> r.body().contains(ticket.toString())).toList();
    }

    private Disposable listen(String token, List<ServerSentEvent<Map<String, Object>>> into) {
        return new StaffStream(port, clientIp, token, into)::close;
    }

    private static boolean has(List<ServerSentEvent<Map<String, Object>>> events, String type, UUID ticket, String change) {
        return find(events, type, ticket, change) != null;
    }

    private static Map<String, Object> find(List<ServerSentEvent<Map<String, Object>>> events, String type, UUID ticket,
                                            String change) {
        return events.stream().filter(e -> type.equals(e.event()) && e.data() != null
                        && ticket.toString().equals(e.data().get("ticketId")) && change.equals(e.data().get("change")))
                .map(ServerSentEvent::data).findFirst().orElse(null);
    }

    private WebTestClient as(String token) {
        return http.mutate().defaultHeaders(h -> h.setBearerAuth(token)).build();
    }

    private UUID self(String token) {
        return UUID.fromString((String) as(token).get().uri("/api/v1/me").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("id"));
    }

    private long count(String sql) {
        return db.sql(sql).map(row -> row.get(0, Long.class)).one().block(Duration.ofSeconds(5));
    }

    private List<String> titles(String token) {
        return ((List<?>) as(token).get().uri("/api/v1/me/notifications?limit=100").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("items"))
                .stream().map(item -> (String) ((Map<?, ?>) item).get("title")).toList();
    }
}

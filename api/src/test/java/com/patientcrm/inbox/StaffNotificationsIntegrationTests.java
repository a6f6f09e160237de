package com.patientcrm.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.patientcrm.booking.HospitalFixtures;
import com.patientcrm.support.ExternalFakes;
import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;

/**
 * Staff see each message to a patient with its status and channel attempts (never a token or an openid), and resend
 * a dead letter, which the notifier then delivers once; both are audited, and only staff who answer patients may.
 */
class StaffNotificationsIntegrationTests extends IntegrationTest {

    static final String ZONE = "Asia/Shanghai";
    static final String AGENT = "agent-" + UUID.randomUUID();

    HospitalFixtures hospital;
    HospitalFixtures.Seeded seeded;
    LocalDateTime day;
    String agent;

    @BeforeEach
    void seed() {
        hospital = new HospitalFixtures(http, clientToken());
        seeded = hospital.departmentAndDoctor(ZONE, 14);
        day = LocalDate.now(ZoneId.of(ZONE)).plusDays(3).atTime(9, 0);
        agent = staffToken(AGENT, "FEEDBACK_AGENT");
    }

    @Test
    void aDeliveredConfirmationShowsItsChannelAttemptsButNoAddresses() {
        String code = "refused-" + UUID.randomUUID();
        String token = (String) signInWithWeChat(code).get("access_token");
        http.post().uri("/api/v1/me/wechat-subscriptions").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("results", Map.of("tmpl-change", "accept")))
                .exchange().expectStatus().isOk();
        String live = "fcm-" + UUID.randomUUID();
        String dead = "unregistered-" + UUID.randomUUID();
        register(token, live);
        register(token, dead);
        Map<?, ?> appointment = book(token, day);
        String patient = (String) appointment.get("patientId");
        UUID booked = messageIds("appointment.change", appointment).get(0);
        awaitStatus(booked, "done");

        String body = http.get().uri("/staff/v1/notifications?patientId={p}&status=sent", patient)
                .headers(h -> h.setBearerAuth(agent)).exchange().expectStatus().isOk()
                .expectHeader().cacheControl(CacheControl.noStore())
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).doesNotContain(live).doesNotContain(dead).doesNotContain("o-" + code)
                .doesNotContain("appointmentId");
        Map<String, Object> item = only(list(agent, "patientId=" + patient + "&status=sent"));
        assertThat(item).containsEntry("id", booked.toString()).containsEntry("topic", "appointment.change")
                .containsEntry("category", "appointment_change").containsEntry("patientId", patient)
                .containsEntry("status", "sent").containsEntry("attempts", 1);
        assertThat(attempts(item)).containsExactlyInAnyOrder("in_app:null:sent", "wechat:openid:failed",
                "app_push:device:sent", "app_push:device:failed");
        assertThat((List<?>) item.get("resends")).isEmpty();
        // The two reminders wait; nothing of this patient's is dead.
        assertThat(statuses(list(agent, "patientId=" + patient))).containsExactly("queued", "queued", "sent");
        assertThat((List<?>) list(agent, "patientId=" + patient + "&status=dead").get("items")).isEmpty();
        // One row per page that showed this patient's messages (the empty one showed none).
        assertThat(audited(patient, "search")).isEqualTo(3);

        http.post().uri("/staff/v1/notifications/{id}/resend", booked).headers(h -> h.setBearerAuth(agent)).exchange()
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:not-resendable");
    }

    @Test
    void aDeadLetterIsResentByStaffAndDeliveredOnce() {
        String token = patientToken();
        quietHoursOff(token);
        String device = "fcm-" + UUID.randomUUID();
        register(token, device);
        Map<?, ?> appointment = book(token, day);
        String patient = (String) appointment.get("patientId");
        UUID reminder = messageIds("appointment.reminder", appointment).get(0);
        db.sql("with gone as (delete from notifications.outbox_queue where id = :id) update notifications.outbox set "
                        + "status = 'dead', attempts = 6, last_error = 'gave up after 6 attempts: timed out' "
                        + "where id = :id and status = 'pending'")
                .bind("id", reminder).then().block(Duration.ofSeconds(5));

        Map<String, Object> deadLetter = only(list(staffToken(), "patientId=" + patient + "&status=dead"));
        assertThat(deadLetter).containsEntry("id", reminder.toString()).containsEntry("category", "appointment_reminder")
                .containsEntry("reason", "gave up after 6 attempts: timed out").containsEntry("attempts", 6);
        // Without a patient, every dead letter: this one is the newest.
        Map<?, ?> allDead = list(agent, "status=dead&limit=100");
        assertThat(((Map<?, ?>) ((List<?>) allDead.get("items")).get(0)).get("id")).isEqualTo(reminder.toString());

        Map<String, Object> resent = json(http.post().uri("/staff/v1/notifications/{id}/resend", reminder)
                .headers(h -> h.setBearerAuth(agent)).exchange().expectStatus().isOk()
                .expectHeader().cacheControl(CacheControl.noStore())
                .expectBody(Map.class).returnResult().getResponseBody());
        assertThat(resent).containsEntry("status", "queued").containsEntry("attempts", 0).containsEntry("reason", null);
        assertThat((List<?>) resent.get("resends")).singleElement().satisfies(r -> assertThat(json(r))
                .containsEntry("resentBy", AGENT).containsEntry("previousReason", "gave up after 6 attempts: timed out"));
        assertThat(audited(patient, "resend")).isEqualTo(1);

        awaitStatus(reminder, "done");
        Map<?, ?> sent = ((List<?>) list(agent, "patientId=" + patient + "&status=sent").get("items")).stream()
                .map(i -> (Map<?, ?>) i).filter(i -> i.get("id").equals(reminder.toString())).findFirst().orElseThrow();
        assertThat(attempts(sent)).containsExactlyInAnyOrder("in_app:null:sent", "app_push:device:sent");
        assertThat(ExternalFakes.fcm().findAll(WireMock.postRequestedFor(WireMock.urlPathMatching("/v1/projects/.*"))
                .withRequestBody(WireMock.containing(reminder.toString())))).hasSize(1);
        // Sent now: a second resend is refused, and changes nothing.
        http.post().uri("/staff/v1/notifications/{id}/resend", reminder).headers(h -> h.setBearerAuth(agent)).exchange()
                .expectStatus().isEqualTo(409).expectBody().jsonPath("$.detail")
                .isEqualTo("Only a dead message can be resent; this one is sent.");
        assertThat(count("select count(*) as n from notifications.resends where outbox_id = :id", reminder)).isEqualTo(1);
        http.post().uri("/staff/v1/notifications/{id}/resend", UUID.randomUUID()).headers(h -> h.setBearerAuth(agent))
                .exchange().expectStatus().isNotFound();
    }

    @Test
    void pagesFollowACursorNewestFirst() {
        String token = patientToken();
        String patient = null;
        for (int i = 0; i < 3; i++) {
            patient = (String) book(token, day.plusDays(i)).get("patientId");
        }
        List<Object> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<?, ?> page = list(agent, "patientId=" + patient + "&limit=4" + (cursor == null ? "" : "&cursor=" + cursor));
            ((List<?>) page.get("items")).forEach(item -> seen.add(((Map<?, ?>) item).get("createdAt")
                    + " " + ((Map<?, ?>) item).get("id")));
            cursor = (String) page.get("nextCursor");
            pages++;
        } while (cursor != null);
        // Three bookings, each with a confirmation and two reminders.
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(9).doesNotHaveDuplicates();
        assertThat(seen.stream().map(s -> ((String) s).split(" ")[0]).map(java.time.OffsetDateTime::parse).toList())
                .isSortedAccordingTo(java.util.Comparator.reverseOrder());

        badRequest("", "patientId");
        badRequest("patientId=" + patient + "&cursor=not-a-cursor", "cursor");
        badRequest("status=failed", "status");
        badRequest("patientId=" + patient + "&limit=101", "limit");
    }

    @Test
    void onlyStaffWhoAnswerPatientsMaySeeOrResend() {
        String path = "/staff/v1/notifications?status=dead";
        for (String role : new String[] {"FEEDBACK_MANAGER", "ADMIN"}) {
            http.get().uri(path).headers(h -> h.setBearerAuth(staffToken("s-" + role, role))).exchange()
                    .expectStatus().isOk();
        }
        String editor = staffToken("editor-" + UUID.randomUUID(), "CONTENT_EDITOR");
        http.get().uri(path).headers(h -> h.setBearerAuth(editor)).exchange().expectStatus().isForbidden();
        http.post().uri("/staff/v1/notifications/{id}/resend", UUID.randomUUID()).headers(h -> h.setBearerAuth(editor))
                .exchange().expectStatus().isForbidden();
        http.get().uri(path).headers(h -> h.setBearerAuth(patientToken())).exchange().expectStatus().isForbidden();
        http.get().uri(path).exchange().expectStatus().isUnauthorized();
        http.post().uri("/staff/v1/notifications/{id}/resend", UUID.randomUUID()).exchange()
                .expectStatus().isUnauthorized();
    }

    private void badRequest(String query, String field) {
        http.get().uri("/staff/v1/notifications?" + query).headers(h -> h.setBearerAuth(agent)).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo(field);
    }

    private Map<?, ?> list(String staff, String query) {
        return http.get().uri("/staff/v1/notifications?" + query).headers(h -> h.setBearerAuth(staff)).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }

    private static Map<String, Object> only(Map<?, ?> page) {
        List<?> items = (List<?>) page.get("items");
        assertThat(items).hasSize(1);
        return json(items.get(0));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Object value) {
        return (Map<String, Object>) value;
    }

    private static List<String> statuses(Map<?, ?> page) {
        return ((List<?>) page.get("items")).stream().map(i -> (String) ((Map<?, ?>) i).get("status")).sorted().toList();
    }

    private static List<String> attempts(Map<?, ?> item) {
        return ((List<?>) item.get("deliveries")).stream().map(d -> (Map<?, ?>) d)
                .map(d -> d.get("channel") + ":" + d.get("target") + ":" + d.get("status")).toList();
    }

    private void quietHoursOff(String token) {
        http.patch().uri("/api/v1/me/preferences").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("quietHours", Map.of("enabled", false, "timeZone", ZONE, "start", "22:00", "end", "08:00")))
                .exchange().expectStatus().isOk();
    }

    private void register(String token, String fcmToken) {
        http.post().uri("/api/v1/me/devices").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("token", fcmToken, "platform", "android"))
                .exchange().expectStatus().isCreated();
    }

    private Map<?, ?> book(String token, LocalDateTime at) {
        UUID slot = hospital.slot(seeded, at, ZONE, 2);
        return http.post().uri("/api/v1/appointments").headers(h -> {
                    h.setBearerAuth(token);
                    h.set("Idempotency-Key", UUID.randomUUID().toString());
                }).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slotId", slot)).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    private List<UUID> messageIds(String topic, Map<?, ?> appointment) {
        return db.sql("select id from notifications.outbox where topic = :topic and subject_id = :id order by due_at")
                .bind("topic", topic).bind("id", UUID.fromString((String) appointment.get("id")))
                .map(row -> row.get("id", UUID.class)).all().collectList().block(Duration.ofSeconds(5));
    }

    private void awaitStatus(UUID message, String status) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(db.sql("select status from notifications.outbox where id = :id")
                        .bind("id", message).map(row -> row.get("status", String.class)).one()
                        .block(Duration.ofSeconds(5))).isEqualTo(status));
    }

    private long audited(String patient, String action) {
        return db.sql("select count(*) as n from app.audit_events where patient_id = :patient and resource = "
                        + "'notification' and action = :action and actor_kind = 'staff'")
                .bind("patient", UUID.fromString(patient)).bind("action", action)
                .map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5));
    }

    private long count(String sql, UUID id) {
        return db.sql(sql).bind("id", id).map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5));
    }
}

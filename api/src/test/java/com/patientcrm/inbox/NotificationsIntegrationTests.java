package com.patientcrm.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.booking.HospitalFixtures;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.patientcrm.support.ExternalFakes;
import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;

/**
 * Booking's messages become notifications at send time: in the inbox, and by WeChat (with a credit) or else by app
 * push; decided against the appointment, the patient's wishes and quiet hours as they are when the message is due.
 */
class NotificationsIntegrationTests extends IntegrationTest {

    @org.springframework.beans.factory.annotation.Autowired
    com.patientcrm.notifications.Outbox outbox;

    static final String ZONE = "Asia/Shanghai";

    HospitalFixtures hospital;
    HospitalFixtures.Seeded seeded;
    LocalDateTime day;

    @BeforeEach
    void seed() {
        hospital = new HospitalFixtures(http, clientToken());
        seeded = hospital.departmentAndDoctor(ZONE, 14);
        day = LocalDate.now(ZoneId.of(ZONE)).plusDays(3).atTime(9, 0);
    }

    @Test
    void aBookingIsConfirmedInTheInboxAndPushedToTheAppWithoutItsDetails() {
        String token = patientToken();
        String fcmToken = "fcm-" + UUID.randomUUID();
        Map<?, ?> device = http.post().uri("/api/v1/me/devices").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("token", fcmToken, "platform", "android", "appVersion", "3.2.1"))
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(device.containsKey("token")).isFalse();
        String appointment = book(token, hospital.slot(seeded, day, ZONE, 2));

        UUID booked = messageId("appointment.change", appointment);
        awaitStatus(booked, "done");
        Map<?, ?> page = inbox(token, null, 20);
        List<?> items = (List<?>) page.get("items");
        assertThat(items).hasSize(1);
        Map<?, ?> item = (Map<?, ?>) items.get(0);
        assertThat(item.get("category")).isEqualTo("appointment_change");
        assertThat(item.get("title")).isEqualTo("预约成功");
        assertThat((String) item.get("body")).contains("医生门诊").contains(day.toLocalDate().toString());
        assertThat(item.get("deepLink")).isEqualTo("pages/appointment/detail?id=" + appointment);
        assertThat(item.get("readAt")).isNull();
        assertThat(((Number) page.get("unreadCount")).longValue()).isEqualTo(1);
        // The push went to the device through the FCM stand-in, with nothing about the appointment in it.
        assertThat(deliveries(booked)).containsExactlyInAnyOrder("in_app:sent", "app_push:sent");
        List<LoggedRequest> pushes = ExternalFakes.fcm().findAll(WireMock.postRequestedFor(
                WireMock.urlPathEqualTo("/v1/projects/test-project/messages:send")).withRequestBody(WireMock.containing(fcmToken)));
        assertThat(pushes).hasSize(1);
        String push = pushes.get(0).getBodyAsString();
        assertThat(push).contains("预约变更").contains(appointment).doesNotContain("Dr.").doesNotContain("Cardiology")
                .doesNotContain(day.toLocalDate().toString());

        http.post().uri("/api/v1/me/notifications/{id}/read", item.get("id")).headers(h -> h.setBearerAuth(token))
                .exchange().expectStatus().isOk()
                .expectHeader().cacheControl(CacheControl.noStore())
                .expectBody().jsonPath("$.readAt").isNotEmpty();
        assertThat(((Number) inbox(token, null, 20).get("unreadCount")).longValue()).isZero();
        // Someone else's inbox item does not exist for this account.
        http.post().uri("/api/v1/me/notifications/{id}/read", item.get("id")).headers(h -> h.setBearerAuth(patientToken()))
                .exchange().expectStatus().isNotFound();

        // Two reminders wait: the day before at the same local time, and two hours before.
        List<OffsetDateTime> reminders = db.sql("select due_at from notifications.outbox where topic = "
                        + "'appointment.reminder' and subject_id = :id and status = 'pending' order by due_at")
                .bind("id", UUID.fromString(appointment)).map(row -> row.get("due_at", OffsetDateTime.class))
                .all().collectList().block(Duration.ofSeconds(5));
        OffsetDateTime start = day.atZone(ZoneId.of(ZONE)).toOffsetDateTime();
        assertThat(reminders).hasSize(2);
        assertThat(reminders.get(0).toInstant()).isEqualTo(start.minusDays(1).toInstant());
        assertThat(reminders.get(1).toInstant()).isEqualTo(start.minusHours(2).toInstant());
    }

    @Test
    void aDueReminderIsSentOnceAndACancelledAppointmentsReminderNever() {
        String token = patientToken();
        String kept = book(token, hospital.slot(seeded, day, ZONE, 2));
        String cancelled = book(token, hospital.slot(seeded, day.plusDays(1), ZONE, 2));
        http.post().uri("/api/v1/appointments/{id}/cancel", cancelled).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk();

        assertThat(statuses("appointment.reminder", cancelled)).containsOnly("cancelled");
        makeDue("appointment.reminder", kept);
        List<UUID> due = messageIds("appointment.reminder", kept);
        for (UUID id : due) {
            awaitStatus(id, "done");
        }
        // Both reminders of the kept appointment were due: each is in the inbox once.
        List<String> titles = titles(token);
        assertThat(titles.stream().filter("就诊提醒"::equals)).hasSize(2);
        assertThat(titles).contains("预约已取消");
        awaitStatus(messageId("appointment.change", cancelled, "cancelled"), "done");

        // A reminder whose appointment has started is dropped, not sent late.
        db.sql("update app.appointments set starts_at = now() - interval '1 minute' where id = :id")
                .bind("id", UUID.fromString(kept)).then().block(Duration.ofSeconds(5));
        db.sql("update app.slots set starts_at = now() - interval '1 minute', ends_at = now() + interval '1 hour' "
                        + "where id = (select slot_id from app.appointments where id = :id)")
                .bind("id", UUID.fromString(kept)).then().block(Duration.ofSeconds(5));
        db.sql("with queued as (insert into notifications.outbox_queue (id, topic, due_at) select id, topic, now() "
                        + "from notifications.outbox where id = :id on conflict (id) do update set due_at = now(), "
                        + "claim_token = null) update notifications.outbox set status = 'pending', due_at = now() where id = :id")
                .bind("id", due.get(0)).then().block(Duration.ofSeconds(5));
        awaitStatus(due.get(0), "skipped");
    }

    @Test
    void quietHoursHoldThePushButNotTheInbox() {
        String token = patientToken();
        quietHoursAroundNow(token);
        http.post().uri("/api/v1/me/devices").headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("token", "fcm-" + UUID.randomUUID(), "platform", "ios")).exchange()
                .expectStatus().isCreated();
        String appointment = book(token, hospital.slot(seeded, day, ZONE, 2));
        makeDue("appointment.reminder", appointment);
        UUID reminder = messageIds("appointment.reminder", appointment).get(0);

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> titles(token).contains("就诊提醒"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> db.sql("select due_at > now() + interval '30 minutes' "
                        + "as later from notifications.outbox where id = :id").bind("id", reminder)
                .map(row -> row.get("later", Boolean.class)).one().block(Duration.ofSeconds(5)));
        assertThat(statuses(reminder)).isEqualTo("pending");
        assertThat(deliveries(reminder)).containsExactly("in_app:sent");
        // The booking confirmation is critical: quiet hours do not hold it.
        awaitStatus(messageId("appointment.change", appointment), "done");
        assertThat(deliveries(messageId("appointment.change", appointment))).contains("app_push:sent");
    }

    @Test
    void quietHoursHoldNothingWhenNoPushCouldReachThePatient() {
        String token = patientToken();
        quietHoursAroundNow(token);
        String appointment = book(token, hospital.slot(seeded, day, ZONE, 2));
        makeDue("appointment.reminder", appointment);
        // No device, no WeChat: the inbox is the only way, so the reminder is done now, not held until morning.
        for (UUID reminder : messageIds("appointment.reminder", appointment)) {
            awaitStatus(reminder, "done");
            assertThat(deliveries(reminder)).containsExactly("in_app:sent");
        }
    }

    @Test
    void aWeChatMessageNeedsACreditAndEachAcceptanceIsOneMessage() {
        String code = "code-" + UUID.randomUUID();
        String token = (String) signInWithWeChat(code).get("access_token");
        Map<?, ?> recorded = http.post().uri("/api/v1/me/wechat-subscriptions").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("results", Map.of("tmpl-change", "accept", "tmpl-reminder", "reject")))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(((Number) recorded.get("recorded")).longValue()).isEqualTo(1);
        assertThat(recorded.get("balance")).isEqualTo(Map.of("tmpl-change", 1));

        String first = book(token, hospital.slot(seeded, day, ZONE, 2));
        UUID firstMessage = messageId("appointment.change", first);
        awaitStatus(firstMessage, "done");
        assertThat(deliveries(firstMessage)).contains("wechat:sent");
        ExternalFakes.weChat().verify(1, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/cgi-bin/message/subscribe/send"))
                .withRequestBody(WireMock.matchingJsonPath("$.touser", WireMock.equalTo("o-" + code)))
                .withRequestBody(WireMock.matchingJsonPath("$.template_id", WireMock.equalTo("tmpl-change")))
                .withRequestBody(WireMock.matchingJsonPath("$.page", WireMock.equalTo("pages/appointment/detail?id=" + first))));
        http.get().uri("/api/v1/me/wechat-subscriptions").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.balance").isEmpty();

        // The credit is spent: the next message has no WeChat way and no device, so only the inbox has it.
        String second = book(token, hospital.slot(seeded, day.plusDays(1), ZONE, 2));
        UUID secondMessage = messageId("appointment.change", second);
        awaitStatus(secondMessage, "done");
        assertThat(deliveries(secondMessage)).containsExactlyInAnyOrder("in_app:sent", "wechat:skipped");

        http.post().uri("/api/v1/me/wechat-subscriptions").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("results", Map.of("tmpl-change", "maybe")))
                .exchange().expectStatus().isBadRequest();
    }

    @Test
    void aRefusedWeChatMessageFallsBackToTheAppAndADeadTokenIsDeactivated() {
        String code = "refused-" + UUID.randomUUID();
        String token = (String) signInWithWeChat(code).get("access_token");
        http.post().uri("/api/v1/me/wechat-subscriptions").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("results", Map.of("tmpl-change", "accept")))
                .exchange().expectStatus().isOk();
        String live = (String) register(token, "fcm-" + UUID.randomUUID()).get("id");
        String dead = (String) register(token, "unregistered-" + UUID.randomUUID()).get("id");

        String appointment = book(token, hospital.slot(seeded, day, ZONE, 2));
        UUID message = messageId("appointment.change", appointment);
        awaitStatus(message, "done");
        // WeChat answered 43101 (the user refused): the credit is spent and the app got it instead.
        assertThat(deliveries(message)).containsExactlyInAnyOrder("in_app:sent", "wechat:failed", "app_push:sent",
                "app_push:failed");
        http.get().uri("/api/v1/me/wechat-subscriptions").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.balance").isEmpty();
        // FCM said the other token is gone: that device is never tried again.
        List<?> devices = http.get().uri("/api/v1/me/devices").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody(List.class).returnResult().getResponseBody();
        assertThat(devices.stream().map(d -> (Object) ((Map<?, ?>) d).get("id")).toList()).containsExactly((Object) live);
        assertThat(dead).isNotEqualTo(live);
    }

    @Test
    void aPushThatFailsForAMomentIsRetriedAndDeliveredOnce() {
        String token = patientToken();
        String flaky = "flaky-" + UUID.randomUUID();
        failOnceThenRecover(flaky, WireMock.jsonResponse(fcmError(500, "UNAVAILABLE", "UNAVAILABLE"), 500));
        register(token, flaky);

        String appointment = book(token, hospital.slot(seeded, day, ZONE, 2));
        UUID message = messageId("appointment.change", appointment);
        awaitStatus(message, "done");
        assertThat(deliveries(message)).containsExactlyInAnyOrder("in_app:sent", "app_push:failed", "app_push:sent");
        assertThat(ExternalFakes.fcm().findAll(WireMock.postRequestedFor(WireMock.urlPathMatching("/v1/projects/.*"))
                .withRequestBody(WireMock.containing(flaky)))).hasSize(2);
        assertThat(titles(token).stream().filter("预约成功"::equals)).hasSize(1);
    }

    @Test
    void fcmsQuotaAnswerIsHonouredBeforeTheRetry() {
        String token = patientToken();
        String limited = "quota-" + UUID.randomUUID();
        failOnceThenRecover(limited, WireMock.jsonResponse(fcmError(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED"), 429)
                .withHeader("Retry-After", "2"));
        register(token, limited);

        String appointment = book(token, hospital.slot(seeded, day, ZONE, 2));
        UUID message = messageId("appointment.change", appointment);
        awaitStatus(message, "done");
        assertThat(deliveries(message)).containsExactly("in_app:sent", "app_push:failed", "app_push:sent");
        // The retry waited for the Retry-After (2 s), not the test's 200 ms back-off.
        Double gap = db.sql("select extract(epoch from max(attempted_at) - min(attempted_at))::float8 as gap "
                        + "from notifications.deliveries where outbox_id = :id and channel = 'app_push'")
                .bind("id", message).map(row -> row.get("gap", Double.class)).one().block(Duration.ofSeconds(5));
        assertThat(gap).isGreaterThanOrEqualTo(1.9);
    }

    @Test
    void weChatsDailyQuotaWaitsForBeijingMidnightAndKeepsTheCredit() {
        String token = (String) signInWithWeChat("quota-" + UUID.randomUUID()).get("access_token");
        http.post().uri("/api/v1/me/wechat-subscriptions").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("results", Map.of("tmpl-change", "accept")))
                .exchange().expectStatus().isOk();

        String appointment = book(token, hospital.slot(seeded, day, ZONE, 2));
        UUID message = messageId("appointment.change", appointment);
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> deliveries(message).containsAll(List.of("in_app:sent", "wechat:failed")));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "pending".equals(statuses(message)));
        OffsetDateTime due = db.sql("select due_at from notifications.outbox where id = :id").bind("id", message)
                .map(row -> row.get("due_at", OffsetDateTime.class)).one().block(Duration.ofSeconds(5));
        java.time.ZonedDateTime beijing = due.atZoneSameInstant(ZoneId.of("Asia/Shanghai"));
        assertThat(beijing.toLocalTime()).isEqualTo(java.time.LocalTime.of(0, 5));
        assertThat(beijing.toLocalDate()).isEqualTo(LocalDate.now(ZoneId.of("Asia/Shanghai")).plusDays(1));
        // The credit was not used up: WeChat refused the call, not the patient.
        http.get().uri("/api/v1/me/wechat-subscriptions").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.balance.tmpl-change").isEqualTo(1);
        // Leave nothing due at midnight for later tests.
        db.sql("with gone as (delete from notifications.outbox_queue where id = :id) "
                        + "update notifications.outbox set status = 'cancelled' where id = :id").bind("id", message).then()
                .block(Duration.ofSeconds(5));
    }

    @Test
    void weChatBeingBusyIsRetriedWithoutSpendingTheCreditNorFallingBack() {
        String token = (String) signInWithWeChat("busy-" + UUID.randomUUID()).get("access_token");
        http.post().uri("/api/v1/me/wechat-subscriptions").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("results", Map.of("tmpl-change", "accept")))
                .exchange().expectStatus().isOk();
        register(token, "fcm-" + UUID.randomUUID());

        String appointment = book(token, hospital.slot(seeded, day, ZONE, 2));
        UUID message = messageId("appointment.change", appointment);
        // errcode -1 ("system busy") is WeChat's trouble, not the patient's answer: the message is retried on WeChat
        // with back-off; it does not fall back to the app (that is for permanent answers such as 43101).
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(message).stream()
                .filter("wechat:failed"::equals).count() >= 2);
        assertThat(deliveries(message)).doesNotContain("app_push:sent").contains("in_app:sent");
        Map<String, Object> row = db.sql("select status, attempts, last_error from notifications.outbox where id = :id")
                .bind("id", message).fetch().one().block(Duration.ofSeconds(5));
        // The last attempt met WeChat busy again, or the WeChat breaker those failures opened (a third attempt can
        // start before this read): either way the message waits for WeChat.
        assertThat((String) row.get("last_error")).containsAnyOf("WeChat errcode -1", "WeChat circuit breaker open");
        assertThat((Integer) row.get("attempts")).isGreaterThanOrEqualTo(1);
        assertThat(row.get("status")).isIn("pending", "claimed");
        // The credit is kept for the send that will go through.
        http.get().uri("/api/v1/me/wechat-subscriptions").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.balance.tmpl-change").isEqualTo(1);
        // Leave nothing retrying against the busy stand-in for later tests.
        db.sql("with gone as (delete from notifications.outbox_queue where id = :id) "
                        + "update notifications.outbox set status = 'cancelled' where id = :id").bind("id", message).then()
                .block(Duration.ofSeconds(5));
    }

    @Test
    void aWeChatSendInterruptedAfterTakingItsCreditIsResolvedWithoutAPushOnAnotherChannel() {
        // Lost after reaching WeChat: WeChat answers 43101 (its subscription is used up), so it went through.
        String refused = "refused-" + UUID.randomUUID();
        UUID lost = interruptedWeChatMessage(refused);
        awaitStatus(lost, "done");
        assertThat(deliveries(lost)).containsExactly("in_app:sent", "wechat:sent");
        // Lost before reaching WeChat: the same credit carries the send, once.
        String fine = "fine-" + UUID.randomUUID();
        UUID early = interruptedWeChatMessage(fine);
        awaitStatus(early, "done");
        assertThat(deliveries(early)).containsExactly("in_app:sent", "wechat:sent");
        assertThat(ExternalFakes.weChat().findAll(WireMock.postRequestedFor(WireMock.urlPathEqualTo(
                "/cgi-bin/message/subscribe/send")).withRequestBody(WireMock.containing("o-" + fine)))).hasSize(1);
        // Neither was pushed to the app as well.
        assertThat(ExternalFakes.fcm().findAll(WireMock.postRequestedFor(WireMock.urlPathMatching("/v1/projects/.*"))
                .withRequestBody(WireMock.containing("device-of-" + refused)))).isEmpty();
        assertThat(ExternalFakes.fcm().findAll(WireMock.postRequestedFor(WireMock.urlPathMatching("/v1/projects/.*"))
                .withRequestBody(WireMock.containing("device-of-" + fine)))).isEmpty();
    }

    /**
     * A due notice for a WeChat patient (one credit, one app device) left as an instance that died mid-send leaves
     * it: the credit taken by the message, no outcome recorded.
     */
    private UUID interruptedWeChatMessage(String code) {
        String token = (String) signInWithWeChat(code).get("access_token");
        http.post().uri("/api/v1/me/wechat-subscriptions").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("results", Map.of("tmpl-change", "accept")))
                .exchange().expectStatus().isOk();
        register(token, "device-of-" + code);
        UUID patient = UUID.fromString((String) http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id"));
        String key = "interrupted:" + code;
        outbox.enqueue(new com.patientcrm.notifications.OutboxMessage(
                com.patientcrm.support.TestNotices.TOPIC, key, patient, UUID.randomUUID(), Map.of(),
                java.time.Instant.now().plusSeconds(3600))).block(Duration.ofSeconds(5));
        UUID message = db.sql("select id from notifications.outbox where dedupe_key = :k").bind("k", key)
                .map(row -> row.get("id", UUID.class)).one().block(Duration.ofSeconds(5));
        db.sql("update notifications.wechat_credits set used_at = now() - interval '1 second', used_by = :m "
                        + "where recipient_id = :p").bind("m", message).bind("p", patient).then()
                .block(Duration.ofSeconds(5));
        db.sql("update notifications.outbox_queue set due_at = now() where id = :m").bind("m", message).then()
                .block(Duration.ofSeconds(5));
        return message;
    }

    @Test
    void theInboxPagesNewestFirstWithAStableCursor() {
        String token = patientToken();
        for (int i = 0; i < 3; i++) {
            String appointment = book(token, hospital.slot(seeded, day.plusDays(i), ZONE, 2));
            awaitStatus(messageId("appointment.change", appointment), "done");
        }
        Map<?, ?> first = inbox(token, null, 2);
        assertThat((List<?>) first.get("items")).hasSize(2);
        String cursor = (String) first.get("nextCursor");
        assertThat(cursor).isNotNull();
        Map<?, ?> second = inbox(token, cursor, 2);
        assertThat((List<?>) second.get("items")).hasSize(1);
        assertThat(second.get("nextCursor")).isNull();
        assertThat(((Map<?, ?>) ((List<?>) second.get("items")).get(0)).get("id"))
                .isNotIn(((List<?>) first.get("items")).stream().map(m -> ((Map<?, ?>) m).get("id")).toList());

        http.get().uri("/api/v1/me/notifications?cursor=not-a-cursor").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("cursor");
        http.get().uri("/api/v1/me/notifications?limit=0").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isBadRequest();
    }

    @Test
    void devicesBelongToOneAccountAndMoveWithTheirToken() {
        String a = patientToken();
        String b = patientToken();
        String shared = "fcm-" + UUID.randomUUID();
        String id = (String) register(a, shared).get("id");
        http.get().uri("/api/v1/me/devices").headers(h -> h.setBearerAuth(a)).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$[0].id").isEqualTo(id).jsonPath("$[0].token").doesNotExist();
        http.delete().uri("/api/v1/me/devices/{id}", id).headers(h -> h.setBearerAuth(b)).exchange()
                .expectStatus().isNotFound();

        // The phone signs in to another account: the installation now belongs to that one.
        assertThat(register(b, shared).get("id")).isEqualTo(id);
        http.get().uri("/api/v1/me/devices").headers(h -> h.setBearerAuth(a)).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$").isEmpty();
        http.delete().uri("/api/v1/me/devices/{id}", id).headers(h -> h.setBearerAuth(b)).exchange()
                .expectStatus().isNoContent();

        for (int i = 0; i < 11; i++) {
            register(a, "fcm-" + UUID.randomUUID());
        }
        http.get().uri("/api/v1/me/devices").headers(h -> h.setBearerAuth(a)).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.length()").isEqualTo(10);
        http.post().uri("/api/v1/me/devices").headers(h -> h.setBearerAuth(a)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("token", "x", "platform", "symbian")).exchange().expectStatus().isBadRequest();
    }

    /** The FCM stand-in answers the first push to this token with the error, and every later one as usual. */
    private static void failOnceThenRecover(String token, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder error) {
        ExternalFakes.fcm().stubFor(WireMock.post(WireMock.urlPathMatching("/v1/projects/[^/]+/messages:send"))
                .atPriority(1).inScenario("once " + token).whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(WireMock.containing(token))
                .willReturn(error)
                .willSetStateTo("recovered"));
    }

    /** FCM v1's error body, with the FcmError detail the SDK reads its error code from. */
    private static String fcmError(int code, String status, String errorCode) {
        return "{\"error\":{\"code\":" + code + ",\"status\":\"" + status + "\",\"details\":[{"
                + "\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\"" + errorCode + "\"}]}}";
    }

    /** Quiet hours from an hour ago to an hour from now, in UTC. */
    private void quietHoursAroundNow(String token) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        http.patch().uri("/api/v1/me/preferences").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("quietHours", Map.of("enabled", true, "timeZone", "UTC",
                        "start", now.minusHours(1).toLocalTime().withSecond(0).withNano(0).toString().substring(0, 5),
                        "end", now.plusHours(1).toLocalTime().withSecond(0).withNano(0).toString().substring(0, 5))))
                .exchange().expectStatus().isOk();
    }

    private Map<?, ?> register(String token, String fcmToken) {
        return http.post().uri("/api/v1/me/devices").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("token", fcmToken, "platform", "android"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    private String book(String token, UUID slot) {
        return (String) http.post().uri("/api/v1/appointments").headers(h -> {
                    h.setBearerAuth(token);
                    h.set("Idempotency-Key", UUID.randomUUID().toString());
                }).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slotId", slot)).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
    }

    private Map<?, ?> inbox(String token, String cursor, int limit) {
        return http.get().uri(uri -> uri.path("/api/v1/me/notifications").queryParam("limit", limit)
                        .queryParamIfPresent("cursor", java.util.Optional.ofNullable(cursor)).build())
                .headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isOk()
                .expectHeader().cacheControl(CacheControl.noStore())
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    private List<String> titles(String token) {
        return ((List<?>) inbox(token, null, 100).get("items")).stream()
                .map(item -> (String) ((Map<?, ?>) item).get("title")).toList();
    }

    private UUID messageId(String topic, String appointment) {
        return messageIds(topic, appointment).get(0);
    }

    private UUID messageId(String topic, String appointment, String change) {
        return db.sql("select id from notifications.outbox where topic = :topic and subject_id = :id "
                        + "and payload ->> 'change' = :change")
                .bind("topic", topic).bind("id", UUID.fromString(appointment)).bind("change", change)
                .map(row -> row.get("id", UUID.class)).one().block(Duration.ofSeconds(5));
    }

    private List<UUID> messageIds(String topic, String appointment) {
        return db.sql("select id from notifications.outbox where topic = :topic and subject_id = :id order by due_at")
                .bind("topic", topic).bind("id", UUID.fromString(appointment))
                .map(row -> row.get("id", UUID.class)).all().collectList().block(Duration.ofSeconds(5));
    }

    private void makeDue(String topic, String appointment) {
        db.sql("update notifications.outbox_queue set due_at = now() where id in (select id from notifications.outbox "
                        + "where topic = :topic and subject_id = :id and status = 'pending')")
                .bind("topic", topic).bind("id", UUID.fromString(appointment)).then().block(Duration.ofSeconds(5));
    }

    private List<String> statuses(String topic, String appointment) {
        return db.sql("select status from notifications.outbox where topic = :topic and subject_id = :id")
                .bind("topic", topic).bind("id", UUID.fromString(appointment))
                .map(row -> row.get("status", String.class)).all().collectList().block(Duration.ofSeconds(5));
    }

    private String statuses(UUID message) {
        return db.sql("select status from notifications.outbox where id = :id").bind("id", message)
                .map(row -> row.get("status", String.class)).one().block(Duration.ofSeconds(5));
    }

    private void awaitStatus(UUID message, String status) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(statuses(message)).isEqualTo(status));
    }

    private List<String> deliveries(UUID message) {
        return db.sql("select channel || ':' || status as d from notifications.deliveries where outbox_id = :id order by id")
                .bind("id", message).map(row -> row.get("d", String.class)).all().collectList().block(Duration.ofSeconds(5));
    }
}

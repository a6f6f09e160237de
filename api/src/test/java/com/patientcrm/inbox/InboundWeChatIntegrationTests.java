package com.patientcrm.inbox;

import static com.patientcrm.inbox.WeChatPushes.PATH;
import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.notifications.NotificationRecords;
import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import nl.altindag.log.LogCaptor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * WeChat's message push turns what a patient writes in the mini-program's chat into one outbox message for the
 * feedback CRM, found by the sender's account but without their openid; whatever is not signed with our Token, or
 * signed too long ago, or too big, stores nothing.
 */
class InboundWeChatIntegrationTests extends IntegrationTest {

    @Autowired
    JsonMapper json;

    @Autowired
    NotificationRecords records;

    @Test
    void weChatsUrlCheckIsAnsweredOnlyWhenSignedWithOurToken() {
        String timestamp = WeChatPushes.now();
        String nonce = WeChatPushes.nonce();
        http.get().uri(b -> b.path(PATH).queryParam("signature", WeChatPushes.sign(timestamp, nonce))
                        .queryParam("timestamp", timestamp).queryParam("nonce", nonce).queryParam("echostr", "8293761040")
                        .build())
                .exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_PLAIN)
                .expectBody(String.class).isEqualTo("8293761040");

        String requestId = "req-" + UUID.randomUUID();
        http.get().uri(b -> b.path(PATH).queryParam("signature", WeChatPushes.sign("1", nonce))
                        .queryParam("timestamp", timestamp).queryParam("nonce", nonce).queryParam("echostr", "8293761040")
                        .build())
                .header("X-Request-Id", requestId)
                .exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:wechat-signature-invalid")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).doesNotContain("8293761040"));
        // The signature is this path's authentication: a forged one is a refusal in the audit trail.
        assertThat(db.sql("select actor_kind, outcome, resource from app.audit_events where request_id = :r")
                .bind("r", requestId).fetch().all().collectList().block(Duration.ofSeconds(5)))
                .singleElement().satisfies(row -> assertThat(row).containsEntry("actor_kind", "anonymous")
                        .containsEntry("outcome", "denied").containsEntry("resource", PATH));
    }

    @Test
    void aPatientsTextIsStoredOnceForTheirPatientRecordWithoutTheOpenid() {
        String code = "code-" + UUID.randomUUID();
        String token = (String) signInWithWeChat(code).get("access_token");
        UUID patient = UUID.fromString(http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id").toString());
        long msgId = WeChatPushes.msgId();
        Map<String, Object> message = WeChatPushes.text("o-" + code, msgId, "明天几点开门？");

        // WeChat retries a push it got no answer to: the retry is answered the same and stored no second time.
        for (int attempt = 0; attempt < 2; attempt++) {
            post(WeChatPushes.plain(WeChatPushes.now(), null), message).expectStatus().isOk()
                    .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_PLAIN)
                    .expectBody(String.class).isEqualTo("success");
        }

        Map<String, Object> row = stored(msgId).get(0);
        assertThat(stored(msgId)).hasSize(1);
        // The feedback CRM may have made it a ticket already (done); it is never lost meanwhile (pending, claimed).
        assertThat(row).containsEntry("patient_id", patient).containsEntry("topic", "wechat.inbound");
        assertThat(row.get("status")).isIn("pending", "claimed", "done");
        Map<String, Object> payload = payload(row);
        assertThat(payload).containsEntry("msgType", "text").containsEntry("content", "明天几点开门？")
                .containsEntry("msgId", Long.toString(msgId)).containsEntry("openidKnown", true)
                .containsEntry("createTime", Instant.ofEpochSecond((Long) message.get("CreateTime")).toString());
        assertThat((String) row.get("payload")).doesNotContain("o-" + code).doesNotContain("gh_0a1b2c3d4e5f");

        // Erasure keeps the message's trace but not what the patient wrote.
        records.erase(List.of(patient)).block(Duration.ofSeconds(5));
        Map<String, Object> erased = payload(stored(msgId).get(0));
        assertThat(erased.get("content")).isNull();
        assertThat(erased).containsEntry("msgType", "text");
    }

    @Test
    void aCapturedSignedUrlCannotCarryAnotherMessage() {
        var url = WeChatPushes.plain(WeChatPushes.now(), null);
        long original = WeChatPushes.msgId();
        long swapped = WeChatPushes.msgId();
        post(url, WeChatPushes.text("o-" + UUID.randomUUID(), original, "hello")).expectStatus().isOk();
        // WeChat's own retry of the same push is answered as before.
        post(url, WeChatPushes.text("o-" + UUID.randomUUID(), original, "hello")).expectStatus().isOk();
        // The same signature with another message (a body swapped in transit) is refused and stores nothing.
        post(url, WeChatPushes.text("o-" + UUID.randomUUID(), swapped, "forged")).expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(stored(original)).hasSize(1);
        assertThat(stored(swapped)).isEmpty();
    }

    @Test
    void aMessageFromAWeChatUserWithoutAnAccountIsStoredAnonymously() {
        long msgId = WeChatPushes.msgId();
        Map<String, Object> image = WeChatPushes.message("o-stranger-" + UUID.randomUUID(), "image");
        image.put("PicUrl", "https://mmbiz.qpic.cn/some-picture");
        image.put("MediaId", "media-" + msgId);
        image.put("MsgId", msgId);
        post(WeChatPushes.plain(WeChatPushes.now(), null), image).expectStatus().isOk();

        Map<String, Object> row = stored(msgId).get(0);
        assertThat(row.get("patient_id")).isNull();
        Map<String, Object> payload = payload(row);
        assertThat(payload).containsEntry("msgType", "image").containsEntry("mediaId", "media-" + msgId)
                .containsEntry("openidKnown", false);
        assertThat(payload.get("content")).isNull();
        assertThat((String) row.get("payload")).doesNotContain("o-stranger").doesNotContain("mmbiz");
    }

    @Test
    void anEventHasNoMsgIdAndIsStoredOnceBySenderAndTime() {
        Map<String, Object> event = WeChatPushes.message("o-" + UUID.randomUUID(), "event");
        event.put("Event", "user_enter_tempsession");
        event.put("SessionFrom", "appointment-page");
        long createTime = WeChatPushes.msgId() % 1_000_000_000L;
        event.put("CreateTime", createTime);
        post(WeChatPushes.plain(WeChatPushes.now(), null), event).expectStatus().isOk();
        post(WeChatPushes.plain(WeChatPushes.now(), null), event).expectStatus().isOk();

        List<Map<String, Object>> rows = db.sql("select dedupe_key, payload::text as payload from notifications.outbox "
                        + "where topic = 'wechat.inbound' and payload->>'createTime' = :t")
                .bind("t", Instant.ofEpochSecond(createTime).toString()).fetch().all().collectList()
                .block(Duration.ofSeconds(5));
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat((String) row.get("dedupe_key")).startsWith("wechat.inbound:event:")
                    .doesNotContain((String) event.get("FromUserName"));
            assertThat((String) row.get("payload")).contains("user_enter_tempsession")
                    .doesNotContain((String) event.get("FromUserName"));
        });
    }

    @Test
    void aForgedStaleOrUnreadablePushStoresNothing() {
        long msgId = WeChatPushes.msgId();
        Map<String, Object> message = WeChatPushes.text("o-" + UUID.randomUUID(), msgId, "hello");

        post(WeChatPushes.plain(WeChatPushes.now(), WeChatPushes.sign("someone-else")), message)
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:wechat-signature-invalid");
        String stale = Long.toString(Instant.now().minusSeconds(301).getEpochSecond());
        post(WeChatPushes.plain(stale, null), message).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:validation")
                .jsonPath("$.errors[0].field").isEqualTo("timestamp");
        http.post().uri(WeChatPushes.plain(WeChatPushes.now(), null)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"MsgId\": \"not a message\"").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:malformed-request");
        http.post().uri(b -> b.path(PATH).queryParam("timestamp", WeChatPushes.now()).build())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(message).exchange().expectStatus().isBadRequest();

        assertThat(stored(msgId)).isEmpty();
    }

    @Test
    void aBodyOver64KiBIs413() {
        Map<String, Object> message = WeChatPushes.text("o-" + UUID.randomUUID(), WeChatPushes.msgId(),
                "x".repeat(64 * 1024));
        post(WeChatPushes.plain(WeChatPushes.now(), null), message).expectStatus().isEqualTo(413)
                .expectBody().jsonPath("$.type").isEqualTo("urn:patientcrm:problem:payload-too-large");
        assertThat(stored((Long) message.get("MsgId"))).isEmpty();
    }

    @Test
    void aSafeModePushIsDecryptedOnlyWhenItsCiphertextIsSignedWithOurToken() {
        String code = "code-" + UUID.randomUUID();
        signInWithWeChat(code);
        long msgId = WeChatPushes.msgId();
        String plaintext = json.writeValueAsString(WeChatPushes.text("o-" + code, msgId, "加密的消息"));

        WeChatPushes.Encrypted forged = WeChatPushes.encrypted(plaintext, true);
        http.post().uri(forged.uri()).contentType(MediaType.APPLICATION_JSON).bodyValue(forged.body())
                .exchange().expectStatus().isUnauthorized();
        assertThat(stored(msgId)).isEmpty();

        WeChatPushes.Encrypted push = WeChatPushes.encrypted(plaintext, false);
        http.post().uri(push.uri()).contentType(MediaType.APPLICATION_JSON).bodyValue(push.body())
                .exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("success");
        Map<String, Object> row = stored(msgId).get(0);
        assertThat(row.get("patient_id")).isNotNull();
        assertThat(payload(row)).containsEntry("content", "加密的消息")
                .containsEntry("openidKnown", true);
    }

    @Test
    void neitherTheOpenidNorTheTextNorTheSecretsReachTheLogs() {
        LogCaptor logs = LogCaptor.forRoot();
        logs.setLogLevelToInfo();
        try {
            String openid = "o-" + UUID.randomUUID();
            String text = "my phone is 13812345678";
            post(WeChatPushes.plain(WeChatPushes.now(), null), WeChatPushes.text(openid, WeChatPushes.msgId(), text))
                    .expectStatus().isOk();
            post(WeChatPushes.plain(WeChatPushes.now(), WeChatPushes.sign("x")), WeChatPushes.text(openid, 1, text))
                    .expectStatus().isUnauthorized();
            WeChatPushes.Encrypted push = WeChatPushes.encrypted(
                    json.writeValueAsString(WeChatPushes.text(openid, WeChatPushes.msgId(), text)), true);
            http.post().uri(push.uri()).contentType(MediaType.APPLICATION_JSON).bodyValue(push.body())
                    .exchange().expectStatus().isUnauthorized();

            List<String> lines = logs.getLogEvents().stream()
                    .map(e -> e.getFormattedMessage() + " " + e.getThrowable().map(Throwable::toString).orElse(""))
                    .toList();
            for (String secret : List.of(openid, "13812345678", WECHAT_MESSAGE_TOKEN, WECHAT_MESSAGE_AES_KEY)) {
                assertThat(lines).noneMatch(line -> line.contains(secret));
            }
        } finally {
            logs.resetLogLevel();
            logs.close();
        }
    }

    private WebTestClient.ResponseSpec post(java.util.function.Function<org.springframework.web.util.UriBuilder,
            java.net.URI> uri, Map<String, Object> message) {
        return http.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(message).exchange();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> payload(Map<String, Object> row) {
        return json.readValue((String) row.get("payload"), Map.class);
    }

    private List<Map<String, Object>> stored(long msgId) {
        return db.sql("select topic, patient_id, subject_id, status, payload::text as payload from notifications.outbox "
                        + "where dedupe_key = :key")
                .bind("key", "wechat.inbound:" + msgId).fetch().all().collectList().block(Duration.ofSeconds(5));
    }
}

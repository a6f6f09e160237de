package com.patientcrm.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.patientcrm.booking.HospitalFixtures;
import com.patientcrm.support.IntegrationTest;
import com.patientcrm.support.WebhookReceiver;
import com.patientcrm.support.WebhookReceiver.Answer;
import com.standardwebhooks.Webhook;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Webhooks end to end: a client registers endpoints over the API, patients book, cancel and reschedule, and a real
 * HTTP receiver gets Standard Webhooks requests whose signatures it verifies with the official library and by hand.
 * Failures are retried (honouring Retry-After), 410 disables the endpoint, a failing endpoint trips its breaker.
 */
class WebhookIntegrationTests extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final WebhookReceiver receiver = new WebhookReceiver();
    private String client;
    private HospitalFixtures hospital;
    private HospitalFixtures.Seeded seeded;

    @BeforeEach
    void hospital() {
        client = clientToken();
        hospital = new HospitalFixtures(http, client);
        seeded = hospital.departmentAndDoctor("Asia/Shanghai", 14);
    }

    @AfterEach
    void removeEndpoints() {
        receiver.close();
        db.sql("delete from app.webhook_endpoints").then().block();
    }

    @Test
    void aClientManagesItsOwnEndpoints() {
        Map<?, ?> created = create(receiver.url("/his"), List.of("appointment.booked"));
        String id = (String) created.get("id");
        assertThat((String) created.get("secret")).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(((String) created.get("secret")).substring(6))).hasSize(32);

        asClient().get().uri("/integration/v1/webhook-endpoints").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items[0].id").isEqualTo(id).jsonPath("$.items[0].secret").doesNotExist();
        asClient().patch().uri("/integration/v1/webhook-endpoints/" + id).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("eventTypes", List.of("appointment.booked", "appointment.cancelled"), "active", false))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.eventTypes.length()").isEqualTo(2)
                .jsonPath("$.active").isEqualTo(false).jsonPath("$.disabledReason").isEqualTo("disabled by the client");
        asClient().post().uri("/integration/v1/webhook-endpoints/" + id + "/ping").exchange()
                .expectStatus().isEqualTo(409);
        asClient().patch().uri("/integration/v1/webhook-endpoints/" + id).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("active", true)).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.active").isEqualTo(true).jsonPath("$.disabledReason").isEmpty()
                .jsonPath("$.url").isEqualTo(receiver.url("/his"));

        asClient().delete().uri("/integration/v1/webhook-endpoints/" + id).exchange().expectStatus().isNoContent();
        asClient().get().uri("/integration/v1/webhook-endpoints/" + id).exchange().expectStatus().isNotFound();
        asClient().delete().uri("/integration/v1/webhook-endpoints/" + id).exchange().expectStatus().isNotFound();
    }

    @Test
    void badEndpointsAreRejectedAndOthersEndpointsAreInvisible() {
        for (String url : List.of("ftp://his.example/hook", "/relative", "https://user:pw@his.example/hook",
                "https://his.example/hook#x", "not a url")) {
            asClient().post().uri("/integration/v1/webhook-endpoints").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("url", url, "eventTypes", List.of("appointment.booked"))).exchange()
                    .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("url");
        }
        asClient().post().uri("/integration/v1/webhook-endpoints").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("url", receiver.url("/"), "eventTypes", List.of("appointment.exploded"))).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("eventTypes");
        asClient().post().uri("/integration/v1/webhook-endpoints").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("url", receiver.url("/"), "eventTypes", List.of())).exchange()
                .expectStatus().isBadRequest();

        UUID others = UUID.randomUUID();
        db.sql("insert into app.webhook_endpoints (id, client_id, url, event_types, secret) values "
                + "(:id, 'another-hospital-system', 'https://other.example/hook', array['appointment.booked'], '\\x00')")
                .bind("id", others).then().block();
        for (String path : List.of("", "/attempts")) {
            asClient().get().uri("/integration/v1/webhook-endpoints/" + others + path).exchange().expectStatus().isNotFound();
        }
        asClient().post().uri("/integration/v1/webhook-endpoints/" + others + "/rotate-secret").exchange()
                .expectStatus().isNotFound();
        asClient().delete().uri("/integration/v1/webhook-endpoints/" + others).exchange().expectStatus().isNotFound();

        String withoutScope = (String) http.post().uri("/oauth2/token").headers(h -> h.setBasicAuth(CLIENT_ID, CLIENT_SECRET))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("grant_type=client_credentials&scope=slots:write")
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("access_token");
        http.get().uri("/integration/v1/webhook-endpoints").headers(h -> h.setBearerAuth(withoutScope)).exchange()
                .expectStatus().isForbidden();
        http.get().uri("/integration/v1/webhook-endpoints").headers(h -> h.setBearerAuth(patientToken())).exchange()
                .expectStatus().isForbidden();
    }

    @Test
    void bookingChangesReachTheHospitalSignedAndInOrder() throws Exception {
        Map<?, ?> endpoint = create(receiver.url("/his/events"), Webhooks.EVENT_TYPES);
        String secret = (String) endpoint.get("secret");
        String patient = patientToken();
        LocalDateTime start = LocalDate.now().plusDays(2).atTime(LocalTime.of(9, 30));
        UUID first = hospital.slot(seeded, start, "Asia/Shanghai", 2);
        UUID second = hospital.slot(seeded, start.plusHours(1), "Asia/Shanghai", 2);

        String appointment = book(patient, first);
        http.post().uri("/api/v1/appointments/" + appointment + "/reschedule").headers(h -> h.setBearerAuth(patient))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slotId", second)).exchange().expectStatus().isOk();
        http.post().uri("/api/v1/appointments/" + appointment + "/cancel").headers(h -> h.setBearerAuth(patient))
                .exchange().expectStatus().isOk();

        await().atMost(WAIT).until(() -> about(appointment).size() == 3);
        List<WebhookReceiver.Received> events = about(appointment);
        for (WebhookReceiver.Received event : events) {
            new Webhook(secret).verify(event.body(), lowerCase(event.headers()));
            assertThat(event.header("webhook-signature")).isEqualTo(expectedSignature(secret, event));
            assertThat(event.header("content-type")).startsWith("application/json");
            assertThat(Long.parseLong(event.header("webhook-timestamp")))
                    .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
        }
        Map<String, JsonNode> byType = events.stream().map(e -> JSON.readTree(e.body()))
                .collect(Collectors.toMap(n -> n.get("type").asString(), n -> n));
        assertThat(byType).containsOnlyKeys("appointment.booked", "appointment.rescheduled", "appointment.cancelled");

        JsonNode booked = byType.get("appointment.booked").get("data");
        assertThat(booked.get("status").asString()).isEqualTo("BOOKED");
        assertThat(booked.get("slotId").asString()).isEqualTo(first.toString());
        assertThat(booked.get("doctorExternalId").asString()).isEqualTo(seeded.doctorExternalId());
        assertThat(booked.get("departmentExternalId").asString()).isEqualTo(seeded.departmentExternalId());
        assertThat(booked.get("start").asString()).isEqualTo(start.atOffset(java.time.ZoneOffset.ofHours(8))
                .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        assertThat(booked.get("timeZone").asString()).isEqualTo("Asia/Shanghai");
        assertThat(booked.has("patientName")).isFalse();
        assertThat(booked.has("name")).isFalse();
        JsonNode moved = byType.get("appointment.rescheduled").get("data");
        assertThat(moved.get("slotId").asString()).isEqualTo(second.toString());
        assertThat(moved.get("previousSlotId").asString()).isEqualTo(first.toString());
        assertThat(moved.get("previousSlotExternalId").asString()).startsWith("slot-");
        JsonNode cancelled = byType.get("appointment.cancelled").get("data");
        assertThat(cancelled.get("status").asString()).isEqualTo("CANCELLED");
        assertThat(cancelled.get("cancelledBy").asString()).isEqualTo("patient");
        assertThat(cancelled.get("slotId").asString()).isEqualTo(second.toString());
        // Event time orders them even if retries deliver them out of order.
        assertThat(Instant.parse(byType.get("appointment.booked").get("timestamp").asString()))
                .isBeforeOrEqualTo(Instant.parse(byType.get("appointment.cancelled").get("timestamp").asString()));

        // The attempt is logged once the answer is in, a moment after the receiver has seen the request. The endpoint
        // takes every event type, so events of other tests' bookings may be logged too: only these three are counted.
        List<String> ids = events.stream().map(e -> e.header("webhook-id")).toList();
        await().atMost(WAIT).untilAsserted(() -> {
            List<?> items = (List<?>) asClient().get()
                    .uri("/integration/v1/webhook-endpoints/" + endpoint.get("id") + "/attempts").exchange()
                    .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("items");
            List<Map<?, ?>> ours = items.stream().<Map<?, ?>>map(item -> (Map<?, ?>) item)
                    .filter(item -> ids.contains(String.valueOf(item.get("messageId")))).toList();
            assertThat(ours).hasSize(3).allSatisfy(item -> {
                assertThat(item.get("succeeded")).isEqualTo(true);
                assertThat(item.get("statusCode")).isEqualTo(204);
            });
        });
    }

    @Test
    void failedDeliveriesAreRetriedWithTheSameIdUntilTheyArrive() {
        Map<?, ?> endpoint = create(receiver.url("/his"), List.of("appointment.booked"));
        receiver.then(Answer.status(503), Answer.status(500));

        String appointment = book(patientToken(), hospital.slot(seeded, LocalDate.now().plusDays(3).atTime(10, 0),
                "Asia/Shanghai", 1));

        await().atMost(WAIT).until(() -> about(appointment).size() == 3);
        await().atMost(WAIT).until(() -> "done".equals(db.sql("select status from notifications.outbox where "
                + "payload->'data'->>'appointmentId' = :a").bind("a", appointment).map(r -> r.get("status", String.class))
                .one().block()));
        List<WebhookReceiver.Received> tries = about(appointment);
        assertThat(tries).hasSize(3);
        assertThat(tries.stream().map(t -> t.header("webhook-id")).distinct()).hasSize(1);
        asClient().get().uri("/integration/v1/webhook-endpoints/" + endpoint.get("id") + "/attempts?limit=2").exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(2)
                .jsonPath("$.items[0].attempt").isEqualTo(3).jsonPath("$.items[0].succeeded").isEqualTo(true)
                .jsonPath("$.items[1].attempt").isEqualTo(2).jsonPath("$.items[1].statusCode").isEqualTo(500)
                .jsonPath("$.items[1].error").isEqualTo("answered 500")
                .jsonPath("$.nextCursor").isNotEmpty();
    }

    @Test
    void retryAfterIsHonoured() {
        create(receiver.url("/his"), List.of("appointment.booked"));
        receiver.then(new Answer(429, "2", 0));

        String appointment = book(patientToken(), hospital.slot(seeded, LocalDate.now().plusDays(3).atTime(11, 0),
                "Asia/Shanghai", 1));

        await().atMost(WAIT).until(() -> about(appointment).size() == 2);
        List<WebhookReceiver.Received> tries = about(appointment);
        assertThat(Duration.between(tries.get(0).at(), tries.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    @Test
    void anEndpointThatAnswersGoneIsDisabled() {
        Map<?, ?> endpoint = create(receiver.url("/his"), List.of("appointment.booked"));
        receiver.then(Answer.status(410));

        String appointment = book(patientToken(), hospital.slot(seeded, LocalDate.now().plusDays(3).atTime(12, 0),
                "Asia/Shanghai", 2));
        await().atMost(WAIT).until(() -> about(appointment).size() == 1);
        await().atMost(WAIT).untilAsserted(() -> asClient().get().uri("/integration/v1/webhook-endpoints/" + endpoint.get("id"))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.active").isEqualTo(false)
                .jsonPath("$.disabledReason").isEqualTo("the endpoint answered 410 Gone"));

        String later = book(patientToken(), hospital.slot(seeded, LocalDate.now().plusDays(3).atTime(13, 0),
                "Asia/Shanghai", 2));
        await().pollDelay(Duration.ofSeconds(1)).atMost(WAIT).until(() -> true);
        assertThat(about(later)).isEmpty();
        assertThat(about(appointment)).hasSize(1);
    }

    @Test
    void aFailingEndpointTripsItsBreakerAndMessagesWaitInsteadOfDying() {
        Map<?, ?> endpoint = create(receiver.url("/his"), List.of("appointment.booked"));
        receiver.always(Answer.status(500));
        List<UUID> pings = java.util.stream.IntStream.range(0, 8).mapToObj(i -> ping(endpoint)).toList();

        await().pollDelay(Duration.ofSeconds(3)).atMost(WAIT).until(() -> true);
        // Without the breaker: 8 messages retried every 0.2-1 s for 3 s would be some 40 requests.
        int whileFailing = receiver.received().size();
        assertThat(whileFailing).isBetween(5, 14);

        receiver.always(Answer.status(204));
        await().atMost(WAIT).until(() -> pings.stream().allMatch(id -> "done".equals(status(id))));
        // Each message was accepted, and accepted again only where our side never saw the answer (an attempt logged
        // without a status: timed out or cut off). That is the at-least-once contract: receivers dedupe on webhook-id.
        // Only what the endpoint accepted is compared: a retry in flight at the switch may have been answered 500.
        Map<String, Long> accepted = receiver.received().stream().filter(r -> r.status() / 100 == 2)
                .collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
        assertThat(accepted.keySet()).containsExactlyInAnyOrderElementsOf(pings.stream().map(UUID::toString).toList());
        pings.forEach(id -> {
            long unanswered = db.sql("select count(*) as n from app.webhook_attempts where message_id = :id "
                    + "and status_code is null").bind("id", id).map(r -> r.get("n", Long.class)).one().block();
            assertThat(accepted.get(id.toString())).as("acceptances of %s (attempts without an answer: %d)", id, unanswered)
                    .isLessThanOrEqualTo(1 + unanswered);
        });
    }

    @Test
    void afterRotationBothSecretsSignUntilTheOverlapEnds() throws Exception {
        Map<?, ?> endpoint = create(receiver.url("/his"), List.of("appointment.booked"));
        String old = (String) endpoint.get("secret");
        Map<?, ?> rotated = asClient().post().uri("/integration/v1/webhook-endpoints/" + endpoint.get("id") + "/rotate-secret")
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        String fresh = (String) rotated.get("secret");
        assertThat(fresh).startsWith("whsec_").isNotEqualTo(old);
        assertThat(Instant.parse((String) rotated.get("previousSecretExpiresAt"))).isAfter(Instant.now().plus(Duration.ofHours(23)));

        UUID id = ping(endpoint);
        await().atMost(WAIT).until(() -> receiver.received().size() == 1);
        WebhookReceiver.Received event = receiver.received().get(0);
        assertThat(event.header("webhook-id")).isEqualTo(id.toString());
        assertThat(event.header("webhook-signature").split(" ")).hasSize(2);
        new Webhook(fresh).verify(event.body(), lowerCase(event.headers()));
        new Webhook(old).verify(event.body(), lowerCase(event.headers()));
        assertThat(JSON.readTree(event.body()).get("type").asString()).isEqualTo("ping");
    }

    @Test
    void aPingGoesOnlyToItsEndpoint() {
        Map<?, ?> target = create(receiver.url("/a"), List.of("appointment.booked"));
        create(receiver.url("/b"), List.of("appointment.booked"));

        UUID id = ping(target);

        await().atMost(WAIT).until(() -> "done".equals(status(id)));
        assertThat(receiver.received()).hasSize(1);
        assertThat(receiver.received().get(0).header("webhook-id")).isEqualTo(id.toString());
    }

    /**
     * Messages handled together have their endpoints looked up in one query: each still reaches exactly the endpoints
     * it was published for: by type, a ping only its own, and none created after it.
     */
    @Test
    void eventsAndPingsHandledTogetherEachReachTheirOwnEndpoints() {
        create(receiver.url("/booked"), List.of("appointment.booked"));
        Map<?, ?> cancels = create(receiver.url("/cancelled"), List.of("appointment.cancelled"));
        LocalDateTime start = LocalDate.now().plusDays(4).atTime(LocalTime.of(8, 0));
        List<String> patients = java.util.stream.IntStream.range(0, 8).mapToObj(i -> patientToken()).toList();
        List<UUID> slots = java.util.stream.IntStream.range(0, 8)
                .mapToObj(i -> hospital.slot(seeded, start.plusMinutes(30L * i), "Asia/Shanghai", 1)).toList();

        List<String> booked = java.util.stream.IntStream.range(0, 8).parallel()
                .mapToObj(i -> book(patients.get(i), slots.get(i))).toList();
        UUID ping = ping(cancels);
        create(receiver.url("/late"), List.of("appointment.booked"));

        await().atMost(WAIT).until(() -> "done".equals(status(ping)) && booked.stream().allMatch(a -> about(a).size() == 1));
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> receiver.received().size() == 9);
        Map<String, List<String>> byPath = receiver.received().stream().collect(Collectors.groupingBy(
                WebhookReceiver.Received::path, Collectors.mapping(r -> r.header("webhook-id"), Collectors.toList())));
        assertThat(byPath).containsOnlyKeys("/booked", "/cancelled");
        assertThat(byPath.get("/cancelled")).containsExactly(ping.toString());
        assertThat(byPath.get("/booked")).hasSize(8).doesNotHaveDuplicates();
        assertThat(booked).allSatisfy(a -> assertThat(about(a)).singleElement()
                .satisfies(r -> assertThat(r.path()).isEqualTo("/booked")));
    }

    private WebTestClient asClient() {
        return http.mutate().defaultHeaders(h -> h.setBearerAuth(client)).build();
    }

    private Map<?, ?> create(String url, List<String> types) {
        return asClient().post().uri("/integration/v1/webhook-endpoints").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("url", url, "description", "HIS", "eventTypes", types)).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    private UUID ping(Map<?, ?> endpoint) {
        return UUID.fromString((String) asClient().post().uri("/integration/v1/webhook-endpoints/" + endpoint.get("id") + "/ping")
                .exchange().expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody().get("messageId"));
    }

    private String book(String token, UUID slot) {
        return (String) http.post().uri("/api/v1/appointments").headers(h -> {
                    h.setBearerAuth(token);
                    h.set("Idempotency-Key", UUID.randomUUID().toString());
                }).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slotId", slot)).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
    }

    private List<WebhookReceiver.Received> about(String appointmentId) {
        return receiver.received().stream().filter(r -> r.body().contains(appointmentId)).toList();
    }

    private String status(UUID messageId) {
        return db.sql("select status from notifications.outbox where id = :id").bind("id", messageId)
                .map(r -> r.get("status", String.class)).one().block();
    }

    private static Map<String, List<String>> lowerCase(Map<String, List<String>> headers) {
        return headers.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().toLowerCase(Locale.ROOT),
                Map.Entry::getValue));
    }

    /** The signature computed from the specification, independently of the library the service signs with. */
    private static String expectedSignature(String secret, WebhookReceiver.Received event) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        String signed = event.header("webhook-id") + "." + event.header("webhook-timestamp") + "." + event.body();
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }
}

package com.patientcrm.feed;

import com.patientcrm.notifications.Outbox;
import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * What the feed's integration tests share: an editor's token, articles written and published through the API, and
 * the patient-side helpers. Every test class shares one database, so before each test the articles earlier tests
 * published are taken down: they would compete in the feeds and segments under test.
 */
abstract class FeedTestSupport extends IntegrationTest {

    static final String ZONE = "Asia/Shanghai";

    @Autowired
    Outbox outbox;

    String editor;

    @BeforeEach
    void onlyThisTestsArticlesArePublished() {
        editor = staffToken("editor-" + UUID.randomUUID(), "CONTENT_EDITOR");
        db.sql("update app.articles set status = 'UNPUBLISHED' where status = 'PUBLISHED'").then().block(Duration.ofSeconds(5));
    }

    Map<String, Object> article(String title, List<String> conditions) {
        Map<String, Object> input = new HashMap<>();
        input.put("title", title);
        input.put("summary", "About " + title);
        input.put("body", "Some **advice** about " + title + ".");
        input.put("coverUrl", "https://cdn.example/covers/1.png");
        input.put("tags", List.of("nutrition"));
        input.put("conditionCodes", conditions);
        return input;
    }

    UUID create(Map<String, Object> input) {
        return UUID.fromString((String) staff(editor).post().uri("/staff/v1/articles").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(input).exchange().expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody().get("id"));
    }

    UUID publish(Map<String, Object> input) {
        UUID id = create(input);
        staff(editor).post().uri("/staff/v1/articles/{id}/publish", id).exchange().expectStatus().isOk();
        return id;
    }

    Map<?, ?> feed(String token, String cursor, int limit) {
        return http.get().uri(cursor == null ? "/api/v1/feed?limit=" + limit : "/api/v1/feed?limit=" + limit + "&cursor=" + cursor)
                .headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isOk()
                .expectHeader().cacheControl(CacheControl.noStore())
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    static List<Map<?, ?>> items(Map<?, ?> page) {
        return (List<Map<?, ?>>) page.get("items");
    }

    static List<String> ids(Map<?, ?> page) {
        return idsOf(items(page));
    }

    static List<String> idsOf(List<Map<?, ?>> items) {
        return items.stream().map(item -> (String) item.get("id")).toList();
    }

    Object targeted(UUID article, Map<String, Object> segment) {
        return staff(editor).post().uri("/staff/v1/campaigns").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("articleId", article, "category", "health_education", "segment", segment))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                .get("targeted");
    }

    Map<?, ?> report(String campaign) {
        return staff(editor).get().uri("/staff/v1/campaigns/{id}", campaign).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    WebTestClient staff(String token) {
        return http.mutate().defaultHeaders(h -> h.setBearerAuth(token)).build();
    }

    UUID self(String token) {
        return UUID.fromString((String) http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id"));
    }

    UUID profile(String token, String gender, LocalDate birthDate) {
        http.patch().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("gender", gender, "birthDate", birthDate.toString())).exchange().expectStatus().isOk();
        return self(token);
    }

    void carePlan(String client, UUID patient, String condition, String departmentExternalId) {
        Map<String, Object> plan = new HashMap<>();
        plan.put("externalId", "plan-" + UUID.randomUUID());
        plan.put("patientId", patient);
        plan.put("conditionCode", condition);
        if (departmentExternalId != null) {
            plan.put("departmentExternalId", departmentExternalId);
        }
        plan.put("startsOn", LocalDate.now(ZoneId.of(ZONE)).toString());
        plan.put("intervalDays", 90);
        plan.put("version", 1);
        http.post().uri("/integration/v1/care-plans").headers(h -> h.setBearerAuth(client))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(plan).exchange().expectStatus().isOk();
    }

    List<String> titles(String token) {
        return ((List<?>) http.get().uri("/api/v1/me/notifications?limit=100").headers(h -> h.setBearerAuth(token))
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("items"))
                .stream().map(item -> (String) ((Map<?, ?>) item).get("title")).toList();
    }

    long count(String table, UUID patient) {
        return db.sql("select count(*) as n from " + table + " where patient_id = :p").bind("p", patient)
                .map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(5));
    }

}

package com.patientcrm.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends one request of an attack, tagged with its own {@code X-Request-Id} so that its audit row can be found, and
 * checks what every answer must satisfy whoever asked: no secret in a JSON body (see {@link Leaks}). Refusals must
 * also be problem+json. Counts requests and audited refusals for the suites' summaries.
 */
final class Probe {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** What a suite counts for its summary line. */
    record Stats(AtomicInteger requests, AtomicInteger refusals, AtomicInteger audited) {

        Stats() {
            this(new AtomicInteger(), new AtomicInteger(), new AtomicInteger());
        }
    }

    /** A body that is not JSON: its media type and bytes. */
    record Raw(String contentType, byte[] bytes) {}

    record Answer(int status, String contentType, String body, String requestId) {

        JsonNode json() {
            return JSON.readTree(body.isEmpty() ? "null" : body);
        }

        boolean refused() {
            return status == 401 || status == 403 || status == 404;
        }
    }

    private final WebTestClient http;
    private final DatabaseClient db;
    private final Stats stats;
    /** Refusals waiting for their audit rows to be checked: request id to the outcome and actor kind expected. */
    private final Map<String, List<String>> refusals = new LinkedHashMap<>();

    Probe(WebTestClient http, DatabaseClient db, Stats stats) {
        this.http = http;
        this.db = db;
        this.stats = stats;
    }

    Answer send(String method, String path, Object body, String token) {
        String requestId = "atk-" + UUID.randomUUID();
        WebTestClient.RequestBodySpec request = http.method(HttpMethod.valueOf(method)).uri(path).headers(h -> {
            h.set("X-Request-Id", requestId);
            h.set("Idempotency-Key", requestId);
            if (token != null) {
                h.setBearerAuth(token);
            }
        });
        WebTestClient.RequestHeadersSpec<?> ready = request;
        if (body instanceof Raw raw) {
            ready = request.contentType(MediaType.parseMediaType(raw.contentType())).bodyValue(raw.bytes());
        } else if (body != null) {
            ready = request.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        }
        EntityExchangeResult<byte[]> result = ready.exchange().expectBody().returnResult();
        stats.requests().incrementAndGet();
        byte[] bytes = result.getResponseBody();
        MediaType type = result.getResponseHeaders().getContentType();
        Answer answer = new Answer(result.getStatus().value(), type == null ? "" : type.toString(),
                bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8), requestId);
        if (answer.contentType().contains("json") && !answer.body().isEmpty()) {
            assertThat(Leaks.inAnswer(path.replaceAll("\\?.*", ""), answer.json()))
                    .as("%s %s (%d) answers properties it must not", method, path, answer.status()).isEmpty();
        }
        return answer;
    }

    /** Sends, expects a refusal of this status as problem+json, and remembers to check its audit row. */
    Answer refused(String method, String path, Object body, String token, String actorKind, int status, String what) {
        Answer answer = send(method, path, body, token);
        assertThat(answer.status()).as("%s: %s %s answered %s", what, method, path, answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).as("%s: %s %s", what, method, path).startsWith("application/problem+json");
        stats.refusals().incrementAndGet();
        refusals.put(answer.requestId(), List.of(status == 404 ? "not_found" : "denied", actorKind, method, path, what));
        return answer;
    }

    /** Every refusal sent since the last call left one audit row, with its actor kind and outcome. */
    void checkAudited() {
        if (refusals.isEmpty()) {
            return;
        }
        Map<String, List<String>> rows = new LinkedHashMap<>();
        db.sql("select request_id, outcome, actor_kind from app.audit_events where request_id = any(:ids)")
                .bind("ids", refusals.keySet().toArray(String[]::new))
                .map(row -> Map.entry(row.get("request_id", String.class),
                        List.of(row.get("outcome", String.class), row.get("actor_kind", String.class))))
                .all().doOnNext(row -> rows.put(row.getKey(), row.getValue()))
                .then().block(Duration.ofSeconds(10));
        refusals.forEach((id, expected) -> assertThat(rows.get(id))
                .as("audit row of %s: %s %s", expected.get(4), expected.get(2), expected.get(3))
                .isEqualTo(expected.subList(0, 2)));
        stats.audited().addAndGet(refusals.size());
        refusals.clear();
    }
}

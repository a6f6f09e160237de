package com.patientcrm.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.PatientCrmApplication;
import com.patientcrm.support.ContractValidator;
import com.patientcrm.support.IntegrationTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nl.altindag.log.LogCaptor;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * An instance that takes two requests at a time. Requests are held in flight by clients that send their headers and
 * only part of their body (the handler waits for the rest), so the test decides when each one ends: by sending the
 * rest, or by hanging up. Meanwhile the next request answers 503 {@code overloaded} at once, while the actuator and
 * the staff's live stream still answer; and however requests end, the count of requests in flight returns to zero.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InFlightLimitIntegrationTests extends IntegrationTest {

    private static final int LIMIT = 2;
    private static final Pattern IN_FLIGHT = Pattern.compile("(?m)^crm_http_in_flight(?:\\{[^}]*})? (\\S+)$");
    private static final Pattern SHED = Pattern.compile("(?m)^crm_http_shed_total(?:\\{[^}]*})? (\\S+)$");

    private ConfigurableApplicationContext limited;
    private int limitedPort;
    private WebTestClient other;

    @BeforeAll
    void instanceTakingTwoRequestsAtATime() {
        Map<String, Object> properties = new HashMap<>();
        IntegrationTest.externalServices((name, value) -> properties.put(name, ((Supplier<?>) value).get()));
        properties.put("crm.db.host", "127.0.0.1");
        properties.put("crm.db.port", query("select inet_server_port()::text"));
        properties.put("crm.db.name", query("select current_database()"));
        properties.put("crm.db.user", query("select current_user::text"));
        properties.put("crm.http.max-in-flight", LIMIT);
        properties.put("crm.dispatcher.enabled", false);
        properties.put("crm.feedback.sla-check-every", "1h");
        properties.put("server.port", 0);
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        limited = new SpringApplicationBuilder(PatientCrmApplication.class, IntegrationTest.TestBeans.class).run(args);
        limitedPort = Integer.parseInt(limited.getEnvironment().getProperty("local.server.port"));
        other = WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + limitedPort)
                .filter(ContractValidator.filter())
                .defaultHeader("X-Forwarded-For", "10.55.0.1")
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    @AfterAll
    void stopInstance() {
        if (limited != null) {
            limited.close();
        }
    }

    @Test
    void atTheLimitTheNextRequestIsRefusedAtOnceWhileHealthAndStreamsStillAnswer() throws IOException {
        String token = patientToken();
        String staff = staffToken();
        awaitInFlight(0);
        double shedBefore = metric(SHED);
        try (LogCaptor logs = LogCaptor.forClass(InFlightLimit.class);
             HeldRequest first = new HeldRequest("10.55.1.1");
             HeldRequest second = new HeldRequest("10.55.1.2")) {
            awaitInFlight(LIMIT);

            long started = System.nanoTime();
            overloaded(other.get().uri("/.well-known/jwks.json").exchange());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            overloaded(other.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange());
            overloaded(other.post().uri("/oauth2/token").headers(h -> h.setBasicAuth(CLIENT_ID, CLIENT_SECRET))
                    .contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("grant_type=client_credentials")
                    .exchange());
            // Refused before the security chain: even a forged token gets 503, not 401.
            overloaded(other.get().uri("/staff/v1/me").headers(h -> h.setBearerAuth("not-a-token")).exchange());
            for (String probe : List.of("/actuator/health", "/actuator/health/readiness", "/actuator/health/liveness",
                    "/actuator/prometheus")) {
                other.get().uri(probe).exchange().expectStatus().isOk();
            }
            assertThat(firstStreamEvent(staff, MediaType.TEXT_EVENT_STREAM)).isEqualTo("ready");
            assertThat(metric(IN_FLIGHT)).isEqualTo(LIMIT);
            assertThat(metric(SHED) - shedBefore).isEqualTo(4);
            assertThat(logs.getWarnLogs()).hasSizeLessThanOrEqualTo(1)
                    .allSatisfy(line -> assertThat(line).startsWith("Overloaded: ").doesNotContain("/api/", "10.55."));

            assertThat(first.finish()).isEqualTo(202);
            awaitInFlight(1);
            second.hangUp();
            awaitInFlight(0);
        }
        other.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isOk();
        other.get().uri("/.well-known/jwks.json").exchange().expectStatus().isOk();
        awaitInFlight(0);
    }

    @Test
    void aStreamAskedForWithABroadAcceptHoldsNoPlaceOnceItsHeadersAreOut() throws IOException {
        String staff = staffToken();
        try (HeldRequest held = new HeldRequest("10.55.2.1")) {
            awaitInFlight(1);
            assertThat(firstStreamEvent(staff, MediaType.ALL)).isEqualTo("ready");
            assertThat(metric(IN_FLIGHT)).isEqualTo(1);
        }
        awaitInFlight(0);
    }

    @Test
    void errorsAndABurstOfClientsThatHangUpLeaveNothingCounted() throws IOException {
        String token = patientToken();
        String staff = staffToken();
        // An unrouted path ends the chain with an error signal (a 404), not a completion.
        other.get().uri("/staff/v1/no-such-route").headers(h -> h.setBearerAuth(staff)).exchange()
                .expectStatus().isNotFound();
        awaitInFlight(0);

        List<Socket> burst = new ArrayList<>();
        try (LogCaptor fallback = LogCaptor.forClass(FallbackProblemHandler.class);
             LogCaptor handling = LogCaptor.forClass(ProblemHandling.class)) {
            try {
                for (int i = 0; i < 30; i++) {
                    Socket socket = new Socket("127.0.0.1", limitedPort);
                    burst.add(socket);
                    socket.getOutputStream().write(("GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\n"
                            + "X-Forwarded-For: 10.55.3." + (i + 1) + "\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    if (i % 3 == 0) {
                        burst.add(new HeldRequest("10.55.4." + (i + 1)).socket);
                    }
                    if (i % 2 == 0) {
                        socket.close();
                    }
                }
            } finally {
                for (Socket socket : burst) {
                    socket.close();
                }
            }
            awaitInFlight(0);
            // Clients that hung up are nobody's error: no ERROR, no stack trace per lost client.
            assertThat(fallback.getErrorLogs()).isEmpty();
            assertThat(handling.getErrorLogs()).isEmpty();
        }
        assertThat(metric(SHED)).isPositive();
        other.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isOk();
        awaitInFlight(0);
    }

    private static void overloaded(WebTestClient.ResponseSpec response) {
        response.expectStatus().isEqualTo(503)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueMatches("Retry-After", "[12]")
                .expectHeader().exists(RequestIds.HEADER)
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:patientcrm:problem:overloaded")
                .jsonPath("$.status").isEqualTo(503);
    }

    /** Opens the staff's live stream on the limited instance, reads its first event's name and hangs up. */
    private String firstStreamEvent(String token, MediaType accept) {
        return WebClient.create("http://localhost:" + limitedPort).get().uri("/staff/v1/feedback/stream")
                .header("X-Forwarded-For", "10.55.9.1").headers(h -> h.setBearerAuth(token)).accept(accept)
                .retrieve().bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() {})
                .map(ServerSentEvent::event).next().block(Duration.ofSeconds(15));
    }

    private void awaitInFlight(int expected) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> metric(IN_FLIGHT) == expected);
    }

    private double metric(Pattern line) {
        String scrape = other.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        Matcher matcher = line.matcher(scrape);
        assertThat(matcher.find()).as("%s in the scrape", line).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private String query(String sql) {
        return db.sql(sql).map(row -> row.get(0, String.class)).one().block(Duration.ofSeconds(5));
    }

    /** A sign-in code request whose body is sent only in part: the handler waits for the rest. */
    private final class HeldRequest implements AutoCloseable {

        private final Socket socket;
        private final byte[] rest;

        HeldRequest(String clientIp) throws IOException {
            byte[] body = ("{\"phone\":\"" + randomPhone() + "\"}").getBytes(StandardCharsets.US_ASCII);
            int sent = 9;
            rest = java.util.Arrays.copyOfRange(body, sent, body.length);
            socket = new Socket("127.0.0.1", limitedPort);
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/auth/otp HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "X-Forwarded-For: " + clientIp + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, sent);
            out.flush();
        }

        /** Sends the rest of the body; answers the response's status. */
        int finish() throws IOException {
            socket.getOutputStream().write(rest);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            StringBuilder statusLine = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
                statusLine.append((char) c);
            }
            return Integer.parseInt(statusLine.toString().split(" ")[1]);
        }

        void hangUp() throws IOException {
            socket.close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}

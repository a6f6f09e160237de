package com.patientcrm.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.PatientCrmApplication;
import com.patientcrm.booking.HospitalFixtures;
import com.patientcrm.support.ContractValidator;
import com.patientcrm.support.IntegrationTest;
import com.patientcrm.support.TcpProxy;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/**
 * The database goes away under a running instance: requests answer 503 problem+json with Retry-After at once
 * (not 500, not a hang), readiness goes DOWN, and when the database is back the same instance serves again by
 * itself. A second instance talks to the test database through a proxy the test cuts, or pauses (a hung server:
 * connections stay open and nothing comes back); its pool is small and its acquire time and statement timeout short,
 * so a test can also exhaust it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseOutageIntegrationTests extends IntegrationTest {

    private static final int POOL_SIZE = 2;
    private static final Duration ACQUIRE_TIME = Duration.ofSeconds(1);
    private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(2);
    private static final String SHANGHAI = "Asia/Shanghai";

    private TcpProxy proxy;
    private ConfigurableApplicationContext second;
    private WebTestClient other;

    @BeforeAll
    void secondInstanceBehindAProxy() {
        proxy = new TcpProxy("127.0.0.1", Integer.parseInt(query("select inet_server_port()::text")));
        Map<String, Object> properties = new HashMap<>();
        IntegrationTest.externalServices((name, value) -> properties.put(name, ((Supplier<?>) value).get()));
        properties.put("crm.db.host", "127.0.0.1");
        properties.put("crm.db.port", proxy.port());
        properties.put("crm.db.name", query("select current_database()"));
        properties.put("crm.db.user", query("select current_user::text"));
        properties.put("crm.db.pool-size", POOL_SIZE);
        properties.put("crm.db.max-acquire-time", ACQUIRE_TIME.toMillis() + "ms");
        properties.put("crm.db.statement-timeout", STATEMENT_TIMEOUT.toMillis() + "ms");
        // Nothing in the background competes for its two connections: the first instance does that work.
        properties.put("crm.dispatcher.enabled", false);
        properties.put("crm.feedback.sla-check-every", "1h");
        properties.put("server.port", 0);
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        second = new SpringApplicationBuilder(PatientCrmApplication.class, IntegrationTest.TestBeans.class).run(args);
        other = WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + second.getEnvironment().getProperty("local.server.port"))
                .filter(ContractValidator.filter())
                .defaultHeader("X-Forwarded-For", "10.66.0.1")
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    @AfterAll
    void stopSecondInstance() {
        if (second != null) {
            second.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void whileTheDatabaseIsUnreachableRequestsFailFastWith503AndTheInstanceRecoversByItself() {
        String token = patientToken();
        me(token).expectStatus().isOk();
        other.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();

        proxy.cut();
        try {
            long started = System.nanoTime();
            unavailable(me(token));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            unavailable(other.post().uri("/api/v1/feedback").headers(h -> h.setBearerAuth(token))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("category", "suggestion", "message", "More chairs in the waiting room"))
                    .exchange());
            unavailable(other.post().uri("/oauth2/token").headers(h -> h.setBasicAuth(CLIENT_ID, CLIENT_SECRET))
                    .contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("grant_type=client_credentials")
                    .exchange());
            other.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503)
                    .expectBody().jsonPath("$.status").isEqualTo("DOWN");
            other.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        } finally {
            proxy.restore();
        }

        long restored = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> me(token).returnResult(Void.class).getStatus().value() == 200);
        System.out.printf("Database outage: served again %d ms after the database came back%n",
                Duration.ofNanos(System.nanoTime() - restored).toMillis());
        other.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }

    @Test
    void aRequestThatFindsNoFreeConnectionWithinTheAcquireTimeAnswers503() {
        String token = patientToken();
        me(token).expectStatus().isOk();
        ConnectionPool pool = second.getBean(ConnectionPool.class);
        List<Connection> held = Flux.range(0, POOL_SIZE).flatMap(i -> pool.create()).collectList()
                .block(Duration.ofSeconds(10));
        try {
            long started = System.nanoTime();
            unavailable(me(token));
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isGreaterThanOrEqualTo(ACQUIRE_TIME).isLessThan(ACQUIRE_TIME.multipliedBy(4));
        } finally {
            Flux.fromIterable(held).concatMap(Connection::close).blockLast(Duration.ofSeconds(10));
        }
        me(token).expectStatus().isOk();
    }

    /**
     * A booking's statement is half done (key claimed, rules checked, waiting at its slot update) when the server stops
     * answering: the request answers 503 within the statement timeout, so do new requests, readiness goes DOWN; once
     * the server answers again the instance serves by itself, with no connection left over from the hang; the booking
     * was stored whole or not at all, and the same key then answers exactly one booking.
     */
    @Test
    void whileTheDatabaseHangsRequestsAnswer503WithinTheStatementTimeoutAndNothingIsHalfWritten() throws Exception {
        String token = patientToken();
        HospitalFixtures hospital = new HospitalFixtures(http, clientToken());
        HospitalFixtures.Seeded seeded = hospital.departmentAndDoctor(SHANGHAI, 14);
        UUID slot = hospital.slot(seeded, LocalDate.now(ZoneId.of(SHANGHAI)).plusDays(2).atTime(9, 0), SHANGHAI, 3);
        me(token).expectStatus().isOk();
        String key = UUID.randomUUID().toString();
        long paused;
        CompletableFuture<Void> booking;
        // The test's own connection holds the slot's row, so the booking stops at its slot update, mid-statement;
        // plain JDBC on the test thread, outside the application.
        try (java.sql.Connection lock = java.sql.DriverManager.getConnection(jdbcUrl(), query("select current_user::text"), "")) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("select 1 from app.slots where id = '" + slot + "' for update");
            booking = CompletableFuture.runAsync(() -> unavailable(book(token, key, slot)));
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> "1".equals(query(
                    "select count(*)::text from pg_stat_activity where wait_event_type = 'Lock' and query like 'select app.book_appointment(%'")));
            proxy.pause();
            paused = System.nanoTime();
            lock.rollback();
        }
        try {
            booking.get(30, TimeUnit.SECONDS);
            Duration bookingWaited = Duration.ofNanos(System.nanoTime() - paused);
            long started = System.nanoTime();
            unavailable(me(token));
            Duration newRequestWaited = Duration.ofNanos(System.nanoTime() - started);
            started = System.nanoTime();
            other.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503)
                    .expectBody().jsonPath("$.status").isEqualTo("DOWN");
            Duration readinessWaited = Duration.ofNanos(System.nanoTime() - started);
            other.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
            System.out.printf("Database hang: the half-done booking answered 503 %d ms into the hang, a new request after"
                            + " %d ms, readiness DOWN after %d ms (statement timeout %d ms, acquire time %d ms)%n",
                    bookingWaited.toMillis(), newRequestWaited.toMillis(), readinessWaited.toMillis(),
                    STATEMENT_TIMEOUT.toMillis(), ACQUIRE_TIME.toMillis());
            Duration bound = STATEMENT_TIMEOUT.plusSeconds(3);
            assertThat(bookingWaited).isLessThan(bound);
            assertThat(newRequestWaited).isLessThan(bound);
            assertThat(readinessWaited).isLessThan(bound);
        } finally {
            proxy.resume();
        }

        long resumed = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> me(token).returnResult(Void.class).getStatus().value() == 200);
        System.out.printf("Database hang: served again %d ms after the server answered again%n",
                Duration.ofNanos(System.nanoTime() - resumed).toMillis());
        // No connection stuck on the hang is handed out again: every request succeeds, on both pooled connections.
        for (int i = 0; i < 3 * POOL_SIZE; i++) {
            me(token).expectStatus().isOk();
        }
        other.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        // The hung booking is all or nothing (the row is free again): its statement either ended with its closed
        // connection, or went on in the server once the row was free and committed whole while its answer was lost
        // (the client was told 503: outcome unknown, retry with the same key). Either way the key answers one booking.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> slot.toString().equals(query(
                "select id::text from app.slots where id = '" + slot + "' for update skip locked")));
        assertThat(query("select booked || ' booked, ' || (select count(*) from app.appointments where slot_id = s.id) "
                + "|| ' appointments, ' || (select count(*) from app.idempotency_keys where key = '" + key + "' "
                + "and appointment_id is not null) || ' keys' from app.slots s where s.id = '" + slot + "'"))
                .isIn("0 booked, 0 appointments, 0 keys", "1 booked, 1 appointments, 1 keys");
        String id = (String) book(token, key, slot).expectStatus().value(status -> assertThat(status).isIn(200, 201))
                .expectBody(Map.class).returnResult().getResponseBody().get("id");
        book(token, key, slot).expectStatus().isOk().expectBody().jsonPath("$.id").isEqualTo(id);
        assertThat(query("select booked || ' booked, ' || (select count(*) from app.appointments where slot_id = s.id) "
                + "|| ' appointment, ' || (select count(*) from notifications.outbox where subject_id = '" + id + "' and topic "
                + "in ('appointment.change', 'webhook.appointment.booked')) || ' messages' from app.slots s where s.id = '"
                + slot + "'")).isEqualTo("1 booked, 1 appointment, 2 messages");
    }

    private WebTestClient.ResponseSpec book(String token, String key, UUID slot) {
        return other.post().uri("/api/v1/appointments").headers(h -> h.setBearerAuth(token))
                .header("Idempotency-Key", key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("slotId", slot)).exchange();
    }

    private String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + query("select inet_server_port()::text") + "/"
                + query("select current_database()");
    }

    private WebTestClient.ResponseSpec me(String token) {
        return other.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange();
    }

    private static void unavailable(WebTestClient.ResponseSpec response) {
        response.expectStatus().isEqualTo(503)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals("Retry-After", "5")
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:patientcrm:problem:unavailable")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail)
                        .doesNotContain("Exception").doesNotContain("R2DBC").doesNotContain("127.0.0.1"));
    }

    private String query(String sql) {
        return db.sql(sql).map(row -> row.get(0, String.class)).one().block(Duration.ofSeconds(5));
    }
}

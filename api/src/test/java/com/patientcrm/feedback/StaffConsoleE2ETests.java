package com.patientcrm.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.patientcrm.booking.HospitalFixtures;
import com.patientcrm.support.IntegrationTest;
import com.patientcrm.surveys.SurveyFixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The staff console in a real browser: headless Chromium (Debian's {@code chromium}) driven by playwright-core from
 * {@code src/test/e2e/console.mjs} signs in as the bootstrap admin, sees a new negative ticket appear live without a
 * reload, and assigns, notes, answers and resolves it; this test then checks the outcome through the API. Chromium,
 * Node and the npm packages come from {@code .ci/setup-browser} (run by {@code .ci/run}); without them the test fails
 * saying so, it never skips.
 */
class StaffConsoleE2ETests extends IntegrationTest {

    private static final Path E2E = Path.of("src/test/e2e");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String SETUP = "Run .ci/run (or .ci/setup-browser once, then ./mvnw verify) to install them.";

    @Test
    void consoleIsServedWithoutATokenWhileItsApiStaysProtected() {
        WebTestClient plain = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
        String page = plain.get().uri("/staff/").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectHeader().valueMatches("Content-Security-Policy", ".*script-src 'self';.*frame-ancestors 'none'.*")
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("<script type=\"module\" src=\"/staff/app.js\"", "id=\"sign-in-form\"");
        plain.get().uri("/staff").exchange().expectStatus().isPermanentRedirect()
                .expectHeader().location("/staff/");
        plain.get().uri("/staff/app.js").exchange().expectStatus().isOk()
                .expectHeader().valueMatches("Content-Type", "(text|application)/javascript.*")
                .expectBody(String.class).value(js -> assertThat(js).contains("/staff/v1/feedback/stream"));
        plain.get().uri("/staff/session.js").exchange().expectStatus().isOk();
        plain.get().uri("/staff/app.css").exchange().expectStatus().isOk();
        // Through the contract-checking client: the API's refusal is the documented problem.
        http.get().uri("/staff/v1/feedback").exchange().expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        http.get().uri("/staff/v1/feedback/stream").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void staffSeeANegativeAnswerArriveLiveAndResolveItInTheBrowser() throws Exception {
        requireBrowserSetup();
        String marker = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        // A patient whose visit was completed and whose survey invitation is due, before the browser starts.
        PendingSurvey survey = pendingSurvey(marker);
        long started = System.nanoTime();
        Process node = new ProcessBuilder("node", "console.mjs", "http://localhost:" + port, "admin", ADMIN_PASSWORD, marker)
                .directory(E2E.toFile()).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        forward(node.getInputStream(), "console.mjs", lines);
        forward(node.getErrorStream(), "console.mjs stderr", new LinkedBlockingQueue<>());
        UUID ticket;
        try {
            await(lines, "CONSOLE_READY", node);
            ticket = answerUnhappily(survey);
            await(lines, "CONSOLE_DONE", node);
            assertThat(node.waitFor(10, TimeUnit.SECONDS)).as("console.mjs exits").isTrue();
            assertThat(node.exitValue()).as("console.mjs exit code").isZero();
        } finally {
            // Chromium runs as node's children: stop them too, or a failed run leaves browsers behind.
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly();
        }
        System.out.printf("Staff console end-to-end run took %d ms%n", (System.nanoTime() - started) / 1_000_000);

        String adminSubject = db.sql("select id::text from auth.staff_accounts where username = 'admin'")
                .map(row -> row.get(0, String.class)).one().block(Duration.ofSeconds(5));
        Map<?, ?> detail = http.get().uri("/staff/v1/feedback/{id}", ticket)
                .header("Authorization", "Bearer " + staffToken())
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        Map<?, ?> saved = (Map<?, ?>) detail.get("ticket");
        assertThat(saved.get("status")).isEqualTo("RESOLVED");
        assertThat(saved.get("assignee")).isEqualTo(adminSubject);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> history = (List<Map<String, Object>>) detail.get("history");
        assertThat(history).anySatisfy(e -> assertThat(e).containsEntry("kind", "note")
                .containsEntry("actorId", adminSubject).extractingByKey("body").asString().contains(marker));
        assertThat(history).anySatisfy(e -> assertThat(e).containsEntry("kind", "reply")
                .extractingByKey("body").asString().contains(marker));
        assertThat(history).anySatisfy(e -> assertThat(e).containsEntry("kind", "status")
                .containsEntry("toStatus", "RESOLVED"));
    }

    /**
     * What the console must see arrive: for now a patient's complaint through the app (negative by category), with
     * the marker in its subject. To become a negative survey answer once surveys land.
     */
    private record PendingSurvey(String patientToken, UUID invitation) {}

    /** A survey titled with the marker (its tickets' subjects start with the title), and a patient invited to it. */
    private PendingSurvey pendingSurvey(String marker) {
        SurveyFixtures surveys = new SurveyFixtures(http, db, clientToken());
        HospitalFixtures.Seeded seeded = surveys.hospital().departmentAndDoctor(SurveyFixtures.ZONE, 14);
        surveys.create(staffToken(), SurveyFixtures.definition(marker, seeded.departmentId(), 0, 30));
        String patient = patientToken();
        UUID invitation = surveys.invitationFor(surveys.completedVisit(seeded, patient, null));
        return new PendingSurvey(patient, invitation);
    }

    /** The patient answers NPS 3 with an unhappy comment; the CRM opens the ticket the console must show live. */
    private UUID answerUnhappily(PendingSurvey survey) {
        new SurveyFixtures(http, db, clientToken()).respond(survey.patientToken(), survey.invitation(),
                List.of(SurveyFixtures.score("nps", 3), SurveyFixtures.score("rating", 2),
                        Map.of("questionId", "comment", "text", "I waited three hours and the reception was rude.")),
                true).expectStatus().isOk();
        String[] ticket = new String[1];
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            ticket[0] = db.sql("select id::text from app.feedback_tickets where source = 'survey' and source_ref = :ref")
                    .bind("ref", survey.invitation().toString()).map(row -> row.get(0, String.class)).one()
                    .block(Duration.ofSeconds(5));
            return ticket[0] != null;
        });
        return UUID.fromString(ticket[0]);
    }

    private static void requireBrowserSetup() throws InterruptedException {
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        if (!Files.isExecutable(Path.of(chromium))) {
            fail("Chromium is missing at " + chromium + " (the staff console test needs it). " + SETUP);
        }
        if (!Files.isDirectory(E2E.resolve("node_modules/playwright-core"))) {
            fail("playwright-core is not installed in " + E2E.toAbsolutePath() + "/node_modules. " + SETUP);
        }
        try {
            Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            if (!version.waitFor(20, TimeUnit.SECONDS) || version.exitValue() != 0) {
                fail("`node --version` failed. " + SETUP);
            }
        } catch (IOException e) {
            fail("Node.js is not installed (`node` is not on the PATH). " + SETUP);
        }
    }

    private static void await(BlockingQueue<String> lines, String expected, Process node) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (expected.equals(line)) {
                return;
            }
            if (line == null && !node.isAlive() && lines.isEmpty()) {
                fail("console.mjs ended (exit " + node.exitValue() + ") before printing " + expected
                        + "; its output is above, a screenshot under api/target/e2e/");
            }
        }
        fail("console.mjs did not print " + expected + " within " + TIMEOUT.toSeconds() + " s; it was stopped");
    }

    /** Copies the script's output to the test log, line by line, and hands each line to the test. */
    private static void forward(InputStream stream, String name, BlockingQueue<String> lines) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    System.out.println("[" + name + "] " + line);
                    lines.add(line);
                }
            } catch (IOException e) {
                System.out.println("[" + name + "] closed: " + e.getMessage());
            }
        }, name);
        reader.setDaemon(true);
        reader.start();
    }
}

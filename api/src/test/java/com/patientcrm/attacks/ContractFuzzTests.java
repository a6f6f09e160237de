package com.patientcrm.attacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.patientcrm.support.IntegrationTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzing from the contract against the running application and its real database: Portman (npm) turns
 * openapi/openapi.yaml into requests for every operation, with real ids and tokens of each path family, its fuzz
 * variations (required fields removed, numbers and lengths past their limits) and the mutations of
 * {@code src/test/fuzz/fuzz.mjs} (wrong JSON types, NUL characters, malformed and hostile bodies, unparsable path
 * and query values), and newman sends them. No answer may be a 5xx, and every error must be problem+json (except
 * the two media types the contract documents: the OAuth token endpoint's and FHIR's). Node and the npm packages
 * come from {@code .ci/setup-fuzz} (run by {@code .ci/run}); without them this test fails saying so.
 */
class ContractFuzzTests extends IntegrationTest {

    private static final Path FUZZ = Path.of("src/test/fuzz");
    private static final Path OUT = Path.of("target/fuzz");
    private static final Duration TIMEOUT = Duration.ofMinutes(8);
    private static final String SETUP = "Run .ci/run (or .ci/setup-fuzz once, then ./mvnw verify) to install them.";

    record Exchange(String operation, String variation, String method, String url, int status, String contentType,
                    long ms, String error, String body) {}

    record Report(long generatedMs, long runMs, int portmanVariations, int mutations, int baselines, int leftOut,
                  String newmanError, int failures, List<Exchange> exchanges) {}

    @Test
    void noOperationAnswersAServerErrorOrAnErrorThatIsNotAProblem() throws Exception {
        requireFuzzSetup();
        long started = System.nanoTime();
        Instant since = Instant.now();
        FuzzWorld world = FuzzWorld.create(http, db, patientToken(), staffToken(), clientToken());
        long prepared = System.nanoTime();
        Files.createDirectories(OUT);
        FuzzConfig.write(OUT.resolve("portman-config.json"), Path.of("../openapi/openapi.yaml"), world, clientIp);
        FuzzConfig.writeEnvironment(OUT.resolve("environment.json"), world, WECHAT_MESSAGE_TOKEN);
        Report report;
        try {
            run(List.of("node", "fuzz.mjs", Path.of("../openapi/openapi.yaml").toAbsolutePath().toString(),
                    "http://localhost:" + port, OUT.resolve("portman-config.json").toAbsolutePath().toString(),
                    OUT.resolve("environment.json").toAbsolutePath().toString(), OUT.toAbsolutePath().toString()));
            report = JsonMapper.builder().build().readValue(OUT.resolve("fuzz-report.json").toFile(), Report.class);
        } finally {
            new FuzzCleanup(http, db, world, since).run();
        }
        printSummary(report, prepared - started, System.nanoTime() - started);

        assertThat(report.newmanError()).as("newman's own error").isNull();
        assertThat(report.exchanges()).as("requests sent").hasSizeGreaterThan(1000);
        assertThat(report.exchanges().stream().filter(e -> e.status() >= 500 || e.status() == 0).map(ContractFuzzTests::line))
                .as("answers that are server errors (5xx) or no answer at all; the request, then the variation")
                .isEmpty();
        assertThat(report.exchanges().stream().filter(e -> e.status() >= 400 && !documentedErrorType(e)).map(ContractFuzzTests::line))
                .as("error answers that are not application/problem+json")
                .isEmpty();
        // The fuzz reached past security: every baseline of a route that takes a token was let in.
        assertThat(report.exchanges().stream().filter(e -> e.variation().equals("baseline") && tokenRoute(e.operation())
                && (e.status() == 401 || e.status() == 403)).map(ContractFuzzTests::line))
                .as("baselines refused by security").isEmpty();
    }

    private static boolean documentedErrorType(Exchange e) {
        String type = e.contentType() == null ? "" : e.contentType();
        if (type.startsWith("application/problem+json")) {
            return true;
        }
        String path = e.operation().substring(e.operation().indexOf(' ') + 1);
        // A request line that is no URI at all (e.g. a '|' or '%' sent unencoded) is refused by Spring's Netty
        // adapter before any filter or handler runs, with a bare 400; no application code can answer it.
        if (e.status() == 400 && type.isEmpty() && !isUri(e.url())) {
            return true;
        }
        return path.equals("/oauth2/token") && type.startsWith("application/json")
                || path.startsWith("/fhir/r4") && type.startsWith("application/fhir+json");
    }

    private static boolean isUri(String url) {
        try {
            new java.net.URI(url);
            return true;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static boolean tokenRoute(String operation) {
        String path = operation.substring(operation.indexOf(' ') + 1);
        return (path.startsWith("/api/v1/") || path.startsWith("/staff/v1/") || path.startsWith("/integration/v1/")
                || path.startsWith("/fhir/r4")) && !path.startsWith("/api/v1/auth/");
    }

    private static String line(Exchange e) {
        return e.status() + " " + e.method() + " " + e.url() + "  (" + e.operation() + ", " + e.variation()
                + (e.error() == null ? "" : ", " + e.error()) + ")" + (e.body() == null ? "" : "\n    " + e.body());
    }

    private static void printSummary(Report report, long prepareNanos, long totalNanos) {
        Map<String, Long> classes = report.exchanges().stream().collect(Collectors.groupingBy(
                e -> e.status() == 0 ? "none" : e.status() / 100 + "xx", TreeMap::new, Collectors.counting()));
        Map<Integer, Long> statuses = report.exchanges().stream().collect(Collectors.groupingBy(
                Exchange::status, TreeMap::new, Collectors.counting()));
        Map<String, Long> families = report.exchanges().stream().collect(Collectors.groupingBy(
                e -> e.operation().split("/")[1], TreeMap::new, Collectors.counting()));
        long operations = report.exchanges().stream().map(Exchange::operation).distinct().count();
        System.out.printf("Contract fuzz: %d requests to %d operations (%d baselines, %d Portman fuzz variations,"
                        + " %d mutations); by class %s; by status %s; by path family %s; data %d ms, Portman %d ms,"
                        + " newman %d ms, total %d ms%n", report.exchanges().size(), operations, report.baselines(),
                report.portmanVariations(), report.mutations(), classes, statuses, families, prepareNanos / 1_000_000,
                report.generatedMs(), report.runMs(), totalNanos / 1_000_000);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process node = new ProcessBuilder(command).directory(FUZZ.toFile()).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    System.out.println("[fuzz.mjs] " + line);
                }
            } catch (IOException e) {
                System.out.println("[fuzz.mjs] closed: " + e.getMessage());
            }
        }, "fuzz.mjs");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!node.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                fail("fuzz.mjs did not finish within " + TIMEOUT.toMinutes() + " min; it was stopped");
            }
            reader.join(5_000);
            assertThat(node.exitValue()).as("fuzz.mjs exit code (its output is above)").isZero();
        } finally {
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly();
        }
    }

    private static void requireFuzzSetup() throws InterruptedException {
        for (String module : List.of("@apideck/portman", "newman", "tslib")) {
            if (!Files.isDirectory(FUZZ.resolve("node_modules").resolve(module))) {
                fail(module + " is not installed in " + FUZZ.toAbsolutePath() + "/node_modules. " + SETUP);
            }
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
}

package patientcrm.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.csv;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.FeederBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The patient app's traffic, open model: patients arrive at a steady rate (Poisson arrivals), each does one short
 * thing and leaves, whatever the service's answers. Shares of the requests (issue #7): slot browsing 55%, feed 20%,
 * reports 10%, booking and cancelling 10%, surveys 5%. A patient's visit:
 * <ul>
 *   <li>slots: the departments, one department's doctors, one doctor's slots for a week (3 requests);</li>
 *   <li>feed: the first page of the feed, and 3 times in 10 one of its articles (1.3);</li>
 *   <li>reports: the list, then one report (2);</li>
 *   <li>booking: books a random slot with a fresh Idempotency-Key, and cancels half of what it booked (1.5);
 *       a full slot or a second appointment with the same doctor that day is a 409, an expected answer;</li>
 *   <li>surveys: the pending invitations, and half the time saves answers to one, submitting 1 time in 5 (1.5);
 *       a 409 (already submitted, by the same patient in another session) is expected.</li>
 * </ul>
 * Each patient is a token of the feeder (PATIENTS signed in by the seeding); requests go through one shared pool of
 * keep-alive connections, as they would from a load balancer in front of the service. System properties: load.base,
 * load.rate (requests/s), load.duration (s, measured), load.warmup (s at the same rate first, in the same run and
 * not counted), load.feeders (directory with patients.csv and slots.csv),
 * load.summary (file to write the summary to), load.label.
 */
public class MixSimulation extends Simulation {

    static final String BASE = System.getProperty("load.base", "http://127.0.0.1:18090");
    static final double RATE = Double.parseDouble(System.getProperty("load.rate", "1000"));
    static final int DURATION = Integer.getInteger("load.duration", 300);
    static final int WARMUP = Integer.getInteger("load.warmup", 0);
    static final String FEEDERS = System.getProperty("load.feeders", "target/feeders");
    static final String LABEL = System.getProperty("load.label", "measured");
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    static final List<Integer> OK = List.of(200);

    /** Request shares of the mix, and the requests one visit of each kind makes on average. */
    static final double[][] MIX = {{55, 3}, {20, 1.3}, {10, 2}, {10, 1.5}, {5, 1.5}};

    final FeederBuilder<String> patients = csv(FEEDERS + "/patients.csv").random();
    final FeederBuilder<String> slots = csv(FEEDERS + "/slots.csv").random();

    final HttpProtocolBuilder protocol = http.baseUrl(BASE).acceptHeader("application/json")
            .userAgentHeader("patient-crm-load (Gatling)").shareConnections();

    final ChainBuilder browse = exec(session -> session.set("from",
            LocalDate.now(ZONE).plusDays(1 + ThreadLocalRandom.current().nextInt(7)).toString()))
            .exec(call("slots", "departments", get("slots: departments", "/api/v1/departments"), OK,
            jsonPath("$[*].id").findRandom().optional().saveAs("departmentId"))
            .doIf(session -> session.contains("departmentId")).then(
                    call("slots", "doctors", get("slots: doctors", "/api/v1/doctors?departmentId=#{departmentId}"), OK,
                            jsonPath("$[*].id").findRandom().optional().saveAs("doctorId"))
                            .doIf(session -> session.contains("doctorId")).then(
                                    call("slots", "slots", get("slots: slots", "/api/v1/slots").queryParam("doctorId",
                                            "#{doctorId}").queryParam("from", MixSimulation::from).queryParam("to",
                                            session -> LocalDate.parse(from(session)).plusDays(6).toString()), OK))));

    final ChainBuilder feed = call("feed", "feed", get("feed: feed", "/api/v1/feed?limit=20"), OK,
            jsonPath("$.items[*].id").findRandom().optional().saveAs("articleId"))
            .doIf(session -> session.contains("articleId")).then(randomSwitch().on(percent(30).then(
                    call("feed", "article", get("feed: article", "/api/v1/articles/#{articleId}"), OK))));

    final ChainBuilder reports = call("reports", "list", get("reports: list", "/api/v1/reports"), OK,
            jsonPath("$.items[*].id").findRandom().optional().saveAs("reportId"))
            .doIf(session -> session.contains("reportId")).then(
                    call("reports", "report", get("reports: report", "/api/v1/reports/#{reportId}"), OK));

    final ChainBuilder booking = feed(slots).exec(call("booking", "book", http("booking: book")
                    .post("/api/v1/appointments").header("Authorization", "Bearer #{token}")
                    .header("Idempotency-Key", session -> UUID.randomUUID().toString())
                    .body(StringBody("{\"slotId\":\"#{slotId}\"}")).asJson(), List.of(200, 201, 409),
            jsonPath("$.status").optional().saveAs("booked"), jsonPath("$.id").optional().saveAs("appointmentId")))
            .doIf(session -> session.contains("booked") && "BOOKED".equals(session.getString("booked"))).then(randomSwitch().on(percent(50).then(
                    call("booking", "cancel", http("booking: cancel").post("/api/v1/appointments/#{appointmentId}/cancel")
                            .header("Authorization", "Bearer #{token}"), OK))));

    final ChainBuilder surveys = call("surveys", "pending", get("surveys: pending", "/api/v1/surveys/pending"), OK,
            jsonPath("$[*].id").findRandom().optional().saveAs("invitationId"))
            .doIf(session -> session.contains("invitationId")).then(randomSwitch().on(percent(50).then(
                    call("surveys", "answer", http("surveys: answer")
                            .put("/api/v1/survey-invitations/#{invitationId}/response")
                            .header("Authorization", "Bearer #{token}").body(StringBody(session -> answers())).asJson(),
                            List.of(200, 409)))));

    final ScenarioBuilder patient = scenario("patient app").feed(patients).randomSwitch().on(
            percent(visitShare(0)).then(browse), percent(visitShare(1)).then(feed),
            percent(visitShare(2)).then(reports), percent(visitShare(3)).then(booking),
            percent(100 - visitShare(0) - visitShare(1) - visitShare(2) - visitShare(3)).then(surveys));

    {
        setUp(patient.injectOpen(constantUsersPerSec(RATE / requestsPerVisit()).during(Duration.ofSeconds(WARMUP + DURATION))
                .randomized())).protocols(protocol);
    }

    @Override
    public void before() {
        Tally.start(WARMUP);
    }

    @Override
    public void after() {
        String summary = Tally.summary(LABEL, RATE, RATE / requestsPerVisit());
        System.out.print(summary);
        String file = System.getProperty("load.summary");
        if (file != null) {
            try {
                Files.writeString(Path.of(file), summary);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A request, its checks, then the record of its outcome. Expected: the statuses that are not errors. */
    static ChainBuilder call(String group, String name, HttpRequestActionBuilder request, List<Integer> expected,
                             CheckBuilder... extract) {
        // The problem type of an error answer (a regular expression: cheaper than parsing every body as JSON).
        List<CheckBuilder> checks = new ArrayList<>(List.of(status().saveAs("st"), responseTimeInMillis().saveAs("rt"),
                regex("\"type\":\"(urn:patientcrm:problem:[a-z-]+)\"").optional().saveAs("ptype")));
        checks.addAll(List.of(extract));
        checks.add(status().in(expected));
        List<Integer> notErrors = expected.stream().filter(s -> s >= 300).toList();
        return exec(request.check(checks)).exec(session -> Tally.record(group, group + ": " + name, notErrors, session));
    }

    static HttpRequestActionBuilder get(String name, String path) {
        return http(name).get(path).header("Authorization", "Bearer #{token}");
    }

    /** A week of slots starting on one of the next seven days (the patient's local date in the hospital's zone). */
    static String from(Session session) {
        return session.getString("from");
    }

    /** Mostly satisfied patients (an unhappy score opens a feedback ticket, as in real life); one save in 5 submits. */
    static String answers() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int roll = r.nextInt(10);
        int nps = roll < 7 ? 9 + r.nextInt(2) : roll < 9 ? 7 + r.nextInt(2) : r.nextInt(7);
        int rating = Math.max(1, Math.min(5, (nps + 1) / 2));
        return "{\"answers\":[{\"questionId\":\"nps\",\"score\":" + nps + "},{\"questionId\":\"rating\",\"score\":"
                + rating + "},{\"questionId\":\"wait\",\"choices\":[\"" + (roll < 5 ? "<15 min" : "15-30 min")
                + "\"]}],\"submit\":" + (r.nextInt(5) == 0) + "}";
    }

    /** Percentage of visits of kind k such that the requests come in the MIX's shares. */
    static double visitShare(int k) {
        double total = 0;
        for (double[] m : MIX) {
            total += m[0] / m[1];
        }
        return Math.round(10000 * (MIX[k][0] / MIX[k][1]) / total) / 100.0;
    }

    static double requestsPerVisit() {
        double visits = 0;
        for (double[] m : MIX) {
            visits += m[0] / m[1];
        }
        return 100 / visits;
    }
}

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeds the booking benchmark over HTTP against a running service, with real tokens: a department, DOCTORS doctors
 * (default 100) and their slots (9 a day for 12 days, capacity 50 each) through the integration API, and PATIENTS patients signed in through the WeChat flow (against the fake
 * WeChat server). Writes their access tokens, the slot ids and the doctor ids, one per line, to tokens.txt,
 * slots.txt and doctors.txt in OUT_DIR, for the load generator (wrk with bench/booking/wrk.lua).
 * Run by bench/booking/run.sh, which also starts the service, drives the load and measures PostgreSQL's own ceiling.
 *
 * Usage: java Bench.java BASE_URL CLIENT_ID CLIENT_SECRET PATIENTS OUT_DIR [DOCTORS]
 */
public class Bench {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final Pattern TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");
    static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int patients = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);
        int doctorCount = args.length > 5 ? Integer.parseInt(args[5]) : 100;
        String client = token(base, args[1], args[2]);

        String dep = "bench-dep-" + UUID.randomUUID();
        put(base + "/integration/v1/departments/" + dep, client,
                "{\"name\":\"Bench\",\"timeZone\":\"Asia/Shanghai\",\"bookingHorizonDays\":14,\"minNoticeMinutes\":0,\"version\":1}");
        List<String> doctors = new ArrayList<>();
        List<String> doctorIds = new ArrayList<>();
        for (int d = 0; d < doctorCount; d++) {
            String ext = dep + "-doc-" + d;
            String body = put(base + "/integration/v1/doctors/" + ext, client,
                    "{\"departmentExternalId\":\"" + dep + "\",\"name\":\"Dr " + d + "\",\"version\":1}");
            doctors.add(ext);
            doctorIds.add(first(ID, body));
        }
        List<String> slotIds = seedSlots(base, client, doctors);
        System.out.printf("seeded: %d doctors, %d slots (capacity 50 each)%n", doctorCount, slotIds.size());

        List<String> tokens = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger n = new AtomicInteger();
        runFor(16, () -> n.get() < patients, () -> {
            int i = n.incrementAndGet();
            String body = post(base + "/api/v1/auth/wechat", null, "{\"code\":\"bench-" + UUID.randomUUID() + "\"}",
                    Map.of("X-Forwarded-For", "10.250." + (i / 250) + "." + (i % 250 + 1)));
            tokens.add(first(TOKEN, body));
        }, 600);
        System.out.printf("signed in: %d patients (WeChat flow, real tokens)%n", tokens.size());
        Files.write(out.resolve("tokens.txt"), tokens);
        Files.write(out.resolve("slots.txt"), slotIds);
        Files.write(out.resolve("doctors.txt"), doctorIds);
    }

    static List<String> seedSlots(String base, String client, List<String> doctors) throws Exception {
        List<String> ids = new ArrayList<>();
        LocalDate day = LocalDate.now().plusDays(1);
        for (String doctor : doctors) {
            StringBuilder batch = new StringBuilder("{\"slots\":[");
            int count = 0;
            for (int d = 0; d < 12; d++) {
                for (int h = 8; h < 17; h++) {
                    if (count++ > 0) {
                        batch.append(',');
                    }
                    String start = day.plusDays(d) + "T" + String.format("%02d", h) + ":00";
                    String end = day.plusDays(d) + "T" + String.format("%02d", h) + ":30";
                    batch.append("{\"externalId\":\"").append(doctor).append('-').append(d).append('-').append(h)
                            .append("\",\"doctorExternalId\":\"").append(doctor).append("\",\"start\":\"").append(start)
                            .append("\",\"end\":\"").append(end)
                            .append("\",\"timeZone\":\"Asia/Shanghai\",\"capacity\":50,\"visitType\":\"outpatient\",")
                            .append("\"feeCents\":5000,\"version\":1}");
                }
            }
            String body = post(base + "/integration/v1/slots", client, batch.append("]}").toString(), Map.of());
            Matcher m = ID.matcher(body);
            while (m.find()) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }

    interface Call {
        void call() throws Exception;
    }

    static void runFor(int threads, Supplier<Boolean> more, Call call, int maxSeconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                while (more.get()) {
                    try {
                        call.call();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(maxSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
    }

    static String token(String base, String id, String secret) throws Exception {
        String basic = java.util.Base64.getEncoder().encodeToString((id + ":" + secret).getBytes());
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
        return first(TOKEN, r.body());
    }

    static String put(String url, String token, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofString(json)), token, Map.of())
                .body();
    }

    static String post(String url, String token, String json, Map<String, String> headers) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(json)), token, headers)
                .body();
    }

    static HttpResponse<String> send(HttpRequest.Builder builder, String token, Map<String, String> headers) throws Exception {
        builder.header("Content-Type", "application/json").timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        headers.forEach(builder::header);
        HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 500) {
            System.err.println("server error " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    static String first(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("unexpected answer: " + body);
        }
        return m.group(1);
    }
}

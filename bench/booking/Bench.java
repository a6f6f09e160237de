import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Booking and slot-search load over HTTP against a running service, with real tokens: seeds a catalogue and slots
 * through the integration API, signs patients in through the WeChat flow (against the fake WeChat server), then
 * drives concurrent bookings and searches and prints requests/s, p50/p99 and error counts.
 * Run by bench/booking/run.sh, which also starts the service and measures PostgreSQL's own ceiling.
 *
 * Usage: java Bench.java BASE_URL CLIENT_ID CLIENT_SECRET PATIENTS CONCURRENCY SECONDS SLOT_IDS_FILE
 */
public class Bench {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final Pattern TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");
    static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int patients = Integer.parseInt(args[3]);
        int concurrency = Integer.parseInt(args[4]);
        int seconds = Integer.parseInt(args[5]);
        // The JIT compiles the hot paths during the first seconds of load, on the same two cores: measured after it.
        int warmup = args.length > 7 ? Integer.parseInt(args[7]) : 10;
        String client = token(base, args[1], args[2]);

        String dep = "bench-dep-" + UUID.randomUUID();
        put(base + "/integration/v1/departments/" + dep, client,
                "{\"name\":\"Bench\",\"timeZone\":\"Asia/Shanghai\",\"bookingHorizonDays\":14,\"minNoticeMinutes\":0,\"version\":1}");
        List<String> doctors = new ArrayList<>();
        List<String> doctorIds = new ArrayList<>();
        for (int d = 0; d < 20; d++) {
            String ext = dep + "-doc-" + d;
            String body = put(base + "/integration/v1/doctors/" + ext, client,
                    "{\"departmentExternalId\":\"" + dep + "\",\"name\":\"Dr " + d + "\",\"version\":1}");
            doctors.add(ext);
            doctorIds.add(first(ID, body));
        }
        List<String> slotIds = seedSlots(base, client, doctors);
        System.out.printf("seeded: 20 doctors, %d slots (capacity 50 each)%n", slotIds.size());
        java.nio.file.Files.write(java.nio.file.Path.of(args[6]), slotIds);

        List<String> tokens = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger n = new AtomicInteger();
        runFor(16, () -> n.get() < patients, () -> {
            int i = n.incrementAndGet();
            String body = post(base + "/api/v1/auth/wechat", null, "{\"code\":\"bench-" + UUID.randomUUID() + "\"}",
                    Map.of("X-Forwarded-For", "10.250." + (i / 250) + "." + (i % 250 + 1)));
            tokens.add(first(TOKEN, body));
            return 200;
        }, 600);
        System.out.printf("signed in: %d patients (WeChat flow, real tokens)%n", tokens.size());

        Call book = () -> {
            String token = tokens.get(ThreadLocalRandom.current().nextInt(tokens.size()));
            String slot = slotIds.get(ThreadLocalRandom.current().nextInt(slotIds.size()));
            return status(base + "/api/v1/appointments", token, "{\"slotId\":\"" + slot + "\"}",
                    Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        };
        if (warmup > 0) {
            load(concurrency, warmup, book);
        }
        Result booking = load(concurrency, seconds, book);
        booking.print("booking  POST /api/v1/appointments");

        LocalDate today = LocalDate.now();
        Call search = () -> {
            String token = tokens.get(ThreadLocalRandom.current().nextInt(tokens.size()));
            String doctor = doctorIds.get(ThreadLocalRandom.current().nextInt(doctorIds.size()));
            return get(base + "/api/v1/slots?doctorId=" + doctor + "&from=" + today + "&to=" + today.plusDays(13), token);
        };
        if (warmup > 0) {
            load(concurrency, warmup, search);
        }
        Result searching = load(concurrency, seconds, search);
        searching.print("search   GET /api/v1/slots");
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

    record Result(int requests, Map<Integer, Integer> statuses, List<Long> latenciesMicros, double seconds) {
        void print(String name) {
            List<Long> sorted = new ArrayList<>(latenciesMicros);
            Collections.sort(sorted);
            long errors = statuses.entrySet().stream().filter(e -> e.getKey() >= 500 || e.getKey() < 0)
                    .mapToLong(Map.Entry::getValue).sum();
            System.out.printf("%s: %d requests in %.1f s = %.0f req/s, p50 %.1f ms, p99 %.1f ms, statuses %s, errors (5xx/io) %d%n",
                    name, requests, seconds, requests / seconds, pct(sorted, 0.50) / 1000.0, pct(sorted, 0.99) / 1000.0,
                    new java.util.TreeMap<>(statuses), errors);
        }
    }

    static long pct(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }

    interface Call {
        int call() throws Exception;
    }

    static Result load(int concurrency, int seconds, Call call) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        runFor(concurrency, () -> System.nanoTime() < end, () -> {
            long t0 = System.nanoTime();
            int status;
            try {
                status = call.call();
            } catch (Exception io) {
                status = -1;
            }
            latencies.add((System.nanoTime() - t0) / 1000);
            statuses.merge(status, 1, Integer::sum);
            return status;
        }, seconds + 60);
        double elapsed = (System.nanoTime() - started) / 1e9;
        return new Result(latencies.size(), statuses, latencies, elapsed);
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

    static int status(String url, String token, String json, Map<String, String> headers) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(json)), token, headers)
                .statusCode();
    }

    static int get(String url, String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), token, Map.of()).statusCode();
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

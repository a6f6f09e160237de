import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Steady mixed load for the fault suites (bench/faults/*.sh), JDK only. Seeds a department, 20 doctors and their
 * slots through the integration API, signs patients in through the WeChat flow (against FakeProviders), then sends
 * requests at a fixed rate (open loop: a failing service does not slow the load down) through timed phases, runs a
 * command or switches the fake providers' mode at each phase's start, and records every answer (status, problem type,
 * Retry-After, latency) on one clock. Bookings and feedback carry an Idempotency-Key; after the run every one whose
 * answer was lost or 5xx is sent again with the same key, so that what the service answered can be reconciled with
 * the database (the ids answered go to OUT/appointments.txt, OUT/tickets.txt, OUT/slots.csv).
 *
 * Usage: java Load.java key=value ... with base, client, secret, out, patients (200), rate (requests/s, 100),
 * mix (search:50,book:25,feedback:15,push:10), phases (name:seconds,...), and per phase at.NAME=shell command
 * (before the phase starts; the phase's time starts when it returns) or mode.NAME=wechat=M&fcm=M (FakeProviders);
 * fake (FakeProviders' URL), admin (staff password: follow the staff ticket stream), readiness=true (poll it every
 * 100 ms), probe (shell command printing a number, run every second: e.g. messages waiting), drain (after the phases,
 * wait until the probe prints 0, at most this many seconds), credits (WeChat credits per even patient, with a device
 * each), term (a pid: SIGTERM it when the phase named "term" starts, and watch it exit), report (outage|providers|sigterm).
 */
public class Load {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).executor(Executors.newFixedThreadPool(8)).build();
    static final Pattern TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");
    static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
    static final Pattern SLOT = Pattern.compile("\"slotId\":\"([0-9a-f-]{36})\"");
    static final long T0 = System.nanoTime();
    static final long T0_EPOCH_MS = System.currentTimeMillis();

    static Map<String, String> arg = new LinkedHashMap<>();
    static String base;
    /** Every instance's base URL (base=URL,URL,...): each request of the mix goes to one of them at random. */
    static List<String> bases = List.of();
    static volatile String phase = "setup";
    static final Map<String, double[]> phases = new LinkedHashMap<>();
    static final Queue recs = new Queue();
    static final List<double[]> readiness = Collections.synchronizedList(new ArrayList<>());
    static final List<double[]> probes = Collections.synchronizedList(new ArrayList<>());
    static final List<Double> ticketEvents = Collections.synchronizedList(new ArrayList<>());
    static final Map<String, Intent> intents = new ConcurrentHashMap<>();
    static final Map<String, Long> pushedVersions = new ConcurrentHashMap<>();
    static final AtomicLong versions = new AtomicLong(1);
    static volatile boolean running = true;
    static volatile double exitedAt = -1;

    record Rec(String op, String phase, double start, double end, int status, String type, boolean problem,
               String retryAfter, String error, int instance, String id, String slot) {

        Rec(String op, String phase, double start, double end, int status, String type, boolean problem,
            String retryAfter, String error) {
            this(op, phase, start, end, status, type, problem, retryAfter, error, 0, null, null);
        }

        double ms() {
            return (end - start) * 1000;
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }

        boolean unavailable() {
            return status == 503 && problem && "urn:patientcrm:problem:unavailable".equals(type) && retryAfter != null;
        }

        String outcome() {
            return status > 0 ? Integer.toString(status) : error;
        }
    }

    static final class Queue extends ConcurrentLinkedQueue<Rec> {
        List<Rec> where(Predicate<Rec> p) {
            return stream().filter(p).collect(Collectors.toList());
        }
    }

    /** A write whose outcome the database check reconciles: sent again with the same key until it is answered. */
    static final class Intent {
        final String op;
        final String token;
        final HttpRequest.Builder request;
        final List<Rec> answers = Collections.synchronizedList(new ArrayList<>());
        volatile String id;
        volatile int finalStatus;

        Intent(String op, String token, HttpRequest.Builder request) {
            this.op = op;
            this.token = token;
            this.request = request;
        }
    }

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            int eq = a.indexOf('=');
            arg.put(a.substring(0, eq), a.substring(eq + 1));
        }
        bases = List.of(arg.get("base").split(","));
        base = bases.get(0);
        Path out = Path.of(arg.get("out"));
        Files.createDirectories(out);
        Catalog catalog = Catalog.seed(arg("client", "his-dev"), arg.get("secret"));
        List<String> tokens = signIn(Integer.parseInt(arg("patients", "200")), Integer.parseInt(arg("credits", "0")));
        System.out.printf("seeded: 20 doctors, %d slots; %d patients signed in through the WeChat flow%n",
                catalog.slots.size(), tokens.size());
        if ("true".equals(arg.get("readiness"))) {
            background("readiness", Load::pollReadiness);
        }
        if (arg.containsKey("admin")) {
            background("staff-stream", Load::followTicketStream);
        }
        if (arg.containsKey("probe")) {
            background("probe", Load::probe);
        }
        Mix mix = new Mix(arg("mix", "search:50,book:25,feedback:15,push:10"), catalog, tokens);
        Thread driver = new Thread(() -> drive(Double.parseDouble(arg("rate", "100")), mix), "driver");
        driver.start();
        for (String p : arg.get("phases").split(",")) {
            String[] parts = p.split(":");
            runPhase(parts[0], Double.parseDouble(parts[1]));
        }
        loading = false;
        driver.join();
        // The answers still on their way belong to the run: wait for them (the client gives each 30 s) before retrying.
        if (inFlight.tryAcquire(1024, 35, java.util.concurrent.TimeUnit.SECONDS)) {
            inFlight.release(1024);
        }
        phase = "retry";
        command("retry");
        retryUnanswered();
        phase = "drain";
        drain();
        running = false;
        writeIds(out);
        switch (arg("report", "none")) {
            case "outage" -> Reports.outage();
            case "providers" -> Reports.providers();
            case "sigterm" -> Reports.sigterm();
            case "instances" -> Reports.instances();
            case "hang" -> Reports.hang();
            default -> Reports.phases();
        }
        System.exit(0);
    }

    static String arg(String name, String otherwise) {
        return arg.getOrDefault(name, otherwise);
    }

    static double now() {
        return (System.nanoTime() - T0) / 1e9;
    }

    // ---------------------------------------------------------------- phases

    /** Runs the command given for this point (at.NAME), if any, and records when it started and returned. */
    static void command(String name) throws Exception {
        if (arg.containsKey("at." + name)) {
            double start = now();
            int code = new ProcessBuilder("bash", "-c", arg.get("at." + name)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of(arg.get("out"), "commands.log").toFile()))
                    .start().waitFor();
            phases.put("cmd:" + name, new double[] {start, now(), code});
            if (code != 0) {
                System.out.printf("command at %s exited with %d (see %s)%n", name, code, Path.of(arg.get("out"), "commands.log"));
            }
        }
    }

    /** The phase's command or mode switch, while the load goes on (it is labelled with the previous phase meanwhile). */
    static void runPhase(String name, double seconds) throws Exception {
        command(name);
        if (arg.containsKey("mode." + name)) {
            send(HttpRequest.newBuilder(URI.create(arg.get("fake") + "/mode?" + arg.get("mode." + name)))
                    .POST(HttpRequest.BodyPublishers.noBody()), null);
        }
        if (name.equals("term") && arg.containsKey("term")) {
            ProcessHandle app = ProcessHandle.of(Long.parseLong(arg.get("term"))).orElseThrow();
            app.onExit().thenRun(() -> exitedAt = now());
            phases.put("cmd:term", new double[] {now(), now(), app.destroy() ? 0 : 1});
        }
        phase = name;
        double start = now();
        Thread.sleep((long) (seconds * 1000));
        phases.put(name, new double[] {start, now()});
    }

    static volatile boolean loading = true;

    /** Open loop: requests leave at the rate whatever the answers; at most 1,024 wait for an answer at once. */
    static final Semaphore inFlight = new Semaphore(1024);

    static void drive(double rate, Mix mix) {
        double start = now();
        long n = 0;
        while (loading) {
            double due = start + n++ / rate;
            long waitNanos = (long) ((due - now()) * 1e9);
            if (waitNanos > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(waitNanos);
            }
            if (!inFlight.tryAcquire()) {
                recs.add(new Rec("none", phase, now(), now(), -1, null, false, null, "client-saturated"));
                continue;
            }
            mix.next().whenComplete((r, e) -> inFlight.release());
        }
    }

    static void drain() throws Exception {
        long limit = Long.parseLong(arg("drain", "0"));
        if (limit <= 0) {
            return;
        }
        double start = now();
        while (now() - start < limit) {
            Thread.sleep(1000);
            synchronized (probes) {
                if (!probes.isEmpty() && probes.get(probes.size() - 1)[0] > start && probes.get(probes.size() - 1)[1] == 0) {
                    break;
                }
            }
        }
        phases.put("drain", new double[] {start, now()});
    }

    static void background(String name, ThrowingRunnable work) {
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (Exception e) {
                System.err.println(name + " stopped: " + e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Every 100 ms after the last answer; a poll not answered within readiness.timeout seconds (2) counts as -1. */
    static void pollReadiness() throws Exception {
        HttpClient own = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Duration timeout = Duration.ofMillis((long) (Double.parseDouble(arg("readiness.timeout", "2")) * 1000));
        while (running) {
            double t = now();
            int status;
            try {
                status = own.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness"))
                        .timeout(timeout).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = -1;
            }
            readiness.add(new double[] {t, status, now() - t});
            Thread.sleep(100);
        }
    }

    static void probe() throws Exception {
        while (running) {
            double t = now();
            Process p = new ProcessBuilder("bash", "-c", arg.get("probe")).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            try {
                probes.add(new double[] {t, Double.parseDouble(text)});
            } catch (NumberFormatException e) {
                probes.add(new double[] {t, -1});
            }
            Thread.sleep(1000);
        }
    }

    /** The staff inbox's live stream: a ticket event after the outage shows the instance's LISTEN came back. */
    static void followTicketStream() throws Exception {
        String staff = first(TOKEN, send(json("/api/v1/auth/staff", null,
                "{\"username\":\"admin\",\"password\":\"" + arg.get("admin") + "\"}"), null).body());
        while (running) {
            try {
                HttpResponse<java.util.stream.Stream<String>> stream = HTTP.send(HttpRequest.newBuilder(
                                URI.create(base + "/staff/v1/feedback/stream")).header("Authorization", "Bearer " + staff)
                        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
                stream.body().forEach(line -> {
                    if (line.startsWith("event:ticket")) {
                        ticketEvents.add(now());
                    }
                });
            } catch (IOException e) {
                // Reconnect, as the console does.
            }
            Thread.sleep(1000);
        }
    }

    // ---------------------------------------------------------------- setup

    /**
     * slots: 20 doctors' 108 slots each (12 days from tomorrow, 08:00 to 16:00), capacity 50, in that order (doctor,
     * day, hour); contended: a 22nd doctor's 108 slots of capacity 2, which bookings race for.
     */
    record Catalog(String client, List<String> slots, List<String> doctorIds, String pushDoctor, List<String> contended) {
        static Catalog seed(String clientId, String secret) throws Exception {
            String basic = java.util.Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes());
            String client = first(TOKEN, send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                    .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")), null).body());
            String dep = "faults-" + UUID.randomUUID().toString().substring(0, 8);
            put("/integration/v1/departments/" + dep, client, "{\"name\":\"Faults\",\"timeZone\":\"Asia/Shanghai\","
                    + "\"bookingHorizonDays\":14,\"minNoticeMinutes\":0,\"version\":1}");
            List<String> doctorIds = new ArrayList<>();
            List<String> slots = new ArrayList<>();
            List<String> contended = new ArrayList<>();
            for (int d = 0; d <= 21; d++) {
                String ext = dep + "-doc-" + d;
                doctorIds.add(first(ID, put("/integration/v1/doctors/" + ext, client,
                        "{\"departmentExternalId\":\"" + dep + "\",\"name\":\"Dr " + d + "\",\"version\":1}")));
                if (d != 20) {
                    Matcher m = ID.matcher(send(json("/integration/v1/slots", client, slotBatch(ext, 12, d < 20 ? 50 : 2, 1)),
                            null).body());
                    while (m.find()) {
                        (d < 20 ? slots : contended).add(m.group(1));
                    }
                }
            }
            // The 21st doctor's slots are what the hospital keeps pushing during the run (push: 5 at a time, new versions).
            return new Catalog(client, slots, doctorIds.subList(0, 20), dep + "-doc-20", contended);
        }
    }

    static String slotBatch(String doctor, int days, int capacity, long version) {
        StringBuilder batch = new StringBuilder("{\"slots\":[");
        LocalDate day = LocalDate.now().plusDays(1);
        int count = 0;
        for (int d = 0; d < days; d++) {
            for (int h = 8; h < 17; h++) {
                batch.append(count++ > 0 ? "," : "").append(slot(doctor, doctor + "-" + d + "-" + h, day.plusDays(d), h, 0,
                        capacity, version));
            }
        }
        return batch.append("]}").toString();
    }

    static String slot(String doctor, String ext, LocalDate day, int hour, int minute, int capacity, long version) {
        String start = day + "T" + String.format("%02d:%02d", hour, minute);
        String end = day + "T" + String.format("%02d:%02d", hour, minute + 10);
        return "{\"externalId\":\"" + ext + "\",\"doctorExternalId\":\"" + doctor + "\",\"start\":\"" + start
                + "\",\"end\":\"" + end + "\",\"timeZone\":\"Asia/Shanghai\",\"capacity\":" + capacity
                + ",\"visitType\":\"outpatient\",\"feeCents\":5000,\"version\":" + version + "}";
    }

    /** Patients through WeChat login; with credits, each even one also holds WeChat credits, and each has a device. */
    static List<String> signIn(int patients, int credits) throws Exception {
        List<String> tokens = Collections.synchronizedList(new ArrayList<>());
        String run = UUID.randomUUID().toString().substring(0, 8);
        var pool = Executors.newFixedThreadPool(8);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < patients; i++) {
            int n = i;
            all.add(CompletableFuture.runAsync(() -> {
                try {
                    String ip = "10.240." + (n / 250) + "." + (n % 250 + 1);
                    // Every instance serves its share of the sign-ins (and warms up doing so).
                    String at = bases.get(n % bases.size());
                    String token = first(TOKEN, send(json(at, "/api/v1/auth/wechat", null,
                            "{\"code\":\"faults-" + run + "-" + n + "\"}").header("X-Forwarded-For", ip), null).body());
                    if ("off".equals(arg.get("quiet"))) {
                        // Pushes are not held for the night: the run's figures should not depend on the time of day.
                        send(HttpRequest.newBuilder(URI.create(base + "/api/v1/me/preferences"))
                                .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(
                                        "{\"quietHours\":{\"enabled\":false,\"start\":\"22:00\",\"end\":\"08:00\","
                                                + "\"timeZone\":\"Asia/Shanghai\"}}")), token);
                    }
                    if (credits > 0) {
                        send(json("/api/v1/me/devices", token, "{\"token\":\"faults-" + run + "-" + n
                                + "\",\"platform\":\"android\"}"), null);
                        for (int c = 0; n % 2 == 0 && c < credits; c++) {
                            send(json("/api/v1/me/wechat-subscriptions", token,
                                    "{\"results\":{\"" + arg("template", "tmpl-change") + "\":\"accept\"}}"), null);
                        }
                    }
                    tokens.add(token);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, pool));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        pool.shutdown();
        return tokens;
    }

    // ---------------------------------------------------------------- the mix

    static final class Mix {
        final List<String> ops = new ArrayList<>();
        final Catalog catalog;
        final List<String> tokens;

        Mix(String spec, Catalog catalog, List<String> tokens) {
            for (String part : spec.split(",")) {
                String[] kv = part.split(":");
                for (int i = 0; i < Integer.parseInt(kv[1]); i++) {
                    ops.add(kv[0]);
                }
            }
            this.catalog = catalog;
            this.tokens = tokens;
        }

        CompletableFuture<?> next() {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            String token = tokens.get(r.nextInt(tokens.size()));
            String at = bases.get(r.nextInt(bases.size()));
            return switch (ops.get(r.nextInt(ops.size()))) {
                case "search" -> search(at, token);
                case "book" -> write("book", json(at, "/api/v1/appointments", token, slotBody(randomSlot())), token);
                case "feedback" -> write("feedback", json(at, "/api/v1/feedback", token,
                        "{\"category\":\"suggestion\",\"message\":\"The waiting room could use more chairs\"}"), token);
                case "push" -> write("push", json(at, "/integration/v1/slots", catalog.client, pushBatch(catalog.pushDoctor)),
                        catalog.client);
                case "bigpush" -> write("push", json(at, "/integration/v1/slots", catalog.client,
                        slotBatch(catalog.pushDoctor, 12, 5, versions.incrementAndGet())), catalog.client);
                // Two instances: the same request everywhere at once, and bookings that race for the same places.
                case "dupbook" -> Races.sameKeyEverywhere(token, slotBody(randomSlot()));
                case "race" -> Races.contended(this, catalog.contended.get(r.nextInt(catalog.contended.size())));
                case "sameday" -> Races.sameDoctorSameDay(this, token);
                case "cancel" -> Races.cancelEverywhere().<CompletableFuture<?>>map(f -> f)
                        .orElseGet(() -> search(at, token));
                case "move" -> Races.move(at, r.nextBoolean() ? catalog.contended.get(r.nextInt(catalog.contended.size()))
                        : randomSlot()).<CompletableFuture<?>>map(f -> f).orElseGet(() -> search(at, token));
                default -> throw new IllegalArgumentException("unknown op");
            };
        }

        CompletableFuture<Rec> search(String at, String token) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            LocalDate today = LocalDate.now();
            String doctor = catalog.doctorIds.get(r.nextInt(catalog.doctorIds.size()));
            return call("search", HttpRequest.newBuilder(URI.create(at + "/api/v1/slots?doctorId=" + doctor
                    + "&from=" + today + "&to=" + today.plusDays(13))).header("Authorization", "Bearer " + token)
                    .GET(), token);
        }

        String randomSlot() {
            return catalog.slots.get(ThreadLocalRandom.current().nextInt(catalog.slots.size()));
        }

        String randomToken() {
            return tokens.get(ThreadLocalRandom.current().nextInt(tokens.size()));
        }
    }

    static String slotBody(String slot) {
        return "{\"slotId\":\"" + slot + "\"}";
    }

    /**
     * The two-instance operations: each sends its requests to every instance (or alternately) at the same moment, and
     * keeps their answers together, so that the report can tell how the instances settled each race between them.
     */
    static final class Races {

        /** A booking made during the run that no other operation is using now: cancels and moves take one. */
        record Booking(String token, String id, String slot) {}

        static final java.util.concurrent.ConcurrentLinkedDeque<Booking> bookings = new java.util.concurrent.ConcurrentLinkedDeque<>();
        /** Appointment id to how many moves of it were answered 200, and the ones whose cancellation was. */
        static final Map<String, Integer> moved = new ConcurrentHashMap<>();
        static final java.util.Set<String> cancelled = ConcurrentHashMap.newKeySet();
        /** Kind of race to the answers of each one. */
        static final Map<String, java.util.Queue<List<Rec>>> groups = new ConcurrentHashMap<>();

        /** The instances in a random order: which one a race's requests reach first should not always be the same. */
        static List<String> shuffled() {
            List<String> order = new ArrayList<>(bases);
            Collections.shuffle(order);
            return order;
        }

        static CompletableFuture<List<Rec>> group(String kind, List<CompletableFuture<Rec>> answers) {
            return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(v -> {
                List<Rec> list = answers.stream().map(CompletableFuture::join).toList();
                groups.computeIfAbsent(kind, k -> new ConcurrentLinkedQueue<>()).add(list);
                return list;
            });
        }

        /** One booking, same key and body, sent to every instance at once: one appointment, every answer naming it. */
        static CompletableFuture<List<Rec>> sameKeyEverywhere(String token, String body) {
            List<HttpRequest.Builder> requests = shuffled().stream().map(b -> json(b, "/api/v1/appointments", token, body)).toList();
            return group("same key", writeEverywhere("book", UUID.randomUUID().toString(), requests, token, true));
        }

        /** Four patients book one place-of-two slot at once, alternately on each instance. */
        static CompletableFuture<List<Rec>> contended(Mix mix, String slot) {
            List<CompletableFuture<Rec>> answers = new ArrayList<>();
            List<String> order = shuffled();
            for (int i = 0; i < 4; i++) {
                String token = mix.randomToken();
                answers.add(write("book", json(order.get(i % order.size()), "/api/v1/appointments", token, slotBody(slot)), token));
            }
            return group("contended", answers);
        }

        /**
         * One patient books two slots of one doctor on one day, one on each instance, at once: one may be booked. These
         * bookings are not cancelled or moved later, so both answers are about the same moment.
         */
        static CompletableFuture<List<Rec>> sameDoctorSameDay(Mix mix, String token) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            int day = r.nextInt(20) * 108 + r.nextInt(12) * 9;
            int first = r.nextInt(9);
            int second = (first + 1 + r.nextInt(8)) % 9;
            List<CompletableFuture<Rec>> answers = new ArrayList<>();
            List<String> order = shuffled();
            int i = 0;
            for (int hour : new int[] {first, second}) {
                answers.add(writeEverywhere("book", UUID.randomUUID().toString(), List.of(json(order.get(i++ % order.size()),
                        "/api/v1/appointments", token, slotBody(mix.catalog.slots.get(day + hour)))), token, false).get(0));
            }
            return group("same doctor same day", answers);
        }

        /** A booking cancelled on every instance at once: one cancellation, one place given back. */
        static java.util.Optional<CompletableFuture<List<Rec>>> cancelEverywhere() {
            Booking b = bookings.pollFirst();
            if (b == null) {
                return java.util.Optional.empty();
            }
            List<CompletableFuture<Rec>> answers = shuffled().stream().map(at -> call("cancel", HttpRequest.newBuilder(
                    URI.create(at + "/api/v1/appointments/" + b.id() + "/cancel")).header("Authorization", "Bearer " + b.token())
                    .POST(HttpRequest.BodyPublishers.noBody()), b.token())).toList();
            return java.util.Optional.of(group("cancel", answers).thenApply(list -> {
                if (list.stream().anyMatch(Rec::ok)) {
                    cancelled.add(b.id());
                }
                return list;
            }));
        }

        /**
         * A booking moved to another slot (often a contended one); it stays available to later cancels and moves. Never
         * to the slot it is in: that answers 200 and changes nothing.
         */
        static java.util.Optional<CompletableFuture<Rec>> move(String at, String slot) {
            Booking b = bookings.pollFirst();
            if (b == null) {
                return java.util.Optional.empty();
            }
            if (slot.equals(b.slot())) {
                bookings.addLast(b);
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(call("move", json(at, "/api/v1/appointments/" + b.id() + "/reschedule", b.token(),
                    slotBody(slot)), b.token()).thenApply(rec -> {
                if (rec.ok()) {
                    moved.merge(b.id(), 1, Integer::sum);
                    bookings.addLast(new Booking(b.token(), b.id(), slot));
                } else if (rec.status == 409 || rec.status == 422) {
                    bookings.addLast(b);
                }
                return rec;
            }));
        }
    }

    /** Five of the push doctor's 100 slots at a new version each: the hospital re-sending its schedule. */
    static String pushBatch(String doctor) {
        StringBuilder batch = new StringBuilder("{\"slots\":[");
        for (int i = 0; i < 5; i++) {
            int n = ThreadLocalRandom.current().nextInt(100);
            long version = versions.incrementAndGet();
            String ext = doctor + "-p" + n;
            pushedVersions.merge(ext, version, Math::max);
            batch.append(i > 0 ? "," : "").append(slot(doctor, ext, LocalDate.now().plusDays(1 + n / 9), 8 + n % 9, 30, 5,
                    version));
        }
        return batch.append("]}").toString();
    }

    static CompletableFuture<Rec> write(String op, HttpRequest.Builder request, String token) {
        return writeEverywhere(op, UUID.randomUUID().toString(), List.of(request), token, true).get(0);
    }

    /**
     * One write (one key) sent as each of these requests at once; a booking created goes to the pool that cancels and
     * moves take from, when {@code pooled}.
     */
    static List<CompletableFuture<Rec>> writeEverywhere(String op, String key, List<HttpRequest.Builder> requests,
                                                        String token, boolean pooled) {
        Intent intent = new Intent(op, token, requests.get(0));
        intents.put(key, intent);
        return requests.stream().map(request -> {
            if (!op.equals("push")) {
                request.header("Idempotency-Key", key);
            }
            return call(op, request, token).thenApply(r -> {
                intent.answers.add(r);
                if (pooled && op.equals("book") && r.status == 201 && r.id != null) {
                    Races.bookings.add(new Races.Booking(token, r.id, r.slot));
                }
                return r;
            });
        }).toList();
    }

    static CompletableFuture<Rec> call(String op, HttpRequest.Builder request, String token) {
        String at = phase;
        double start = now();
        HttpRequest built = request.copy().timeout(Duration.ofSeconds(30)).build();
        int instance = instanceOf(built.uri());
        return HTTP.sendAsync(built, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
            Rec rec = response != null ? rec(op, at, start, response, instance)
                    : new Rec(op, at, start, now(), -1, null, false, null, describe(error), instance, null, null);
            recs.add(rec);
            return rec;
        });
    }

    static int instanceOf(URI uri) {
        for (int i = 0; i < bases.size(); i++) {
            if (uri.toString().startsWith(bases.get(i))) {
                return i;
            }
        }
        return 0;
    }

    static Rec rec(String op, String at, double start, HttpResponse<String> response, int instance) {
        String type = null;
        boolean problem = response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json");
        if (problem) {
            Matcher m = Pattern.compile("\"type\":\"([^\"]+)\"").matcher(response.body());
            type = m.find() ? m.group(1) : null;
        }
        String id = null;
        String slot = null;
        if (response.statusCode() >= 200 && response.statusCode() < 300 && !op.equals("push") && !op.equals("search")) {
            Matcher m = ID.matcher(response.body());
            String found = m.find() ? m.group(1) : null;
            if (found != null) {
                response.request().headers().firstValue("Idempotency-Key").ifPresent(key -> ids.put(key, found));
            }
            id = found;
            Matcher s = SLOT.matcher(response.body());
            slot = s.find() ? s.group(1) : null;
        }
        return new Rec(op, at, start, now(), response.statusCode(), type, problem,
                response.headers().firstValue("Retry-After").orElse(null), null, instance, id, slot);
    }

    static final Map<String, String> ids = new ConcurrentHashMap<>();

    static String describe(Throwable error) {
        Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (t instanceof ConnectException) {
            return "refused";
        }
        if (t instanceof java.net.http.HttpTimeoutException) {
            return "timeout";
        }
        return "io:" + t.getClass().getSimpleName();
    }

    // ---------------------------------------------------------------- after the run

    /** Every write whose answer was lost or 5xx is sent again with the same key until the service answers it. */
    static void retryUnanswered() throws Exception {
        Map<String, Integer> outcomes = new TreeMap<>();
        for (Map.Entry<String, Intent> e : intents.entrySet()) {
            Intent intent = e.getValue();
            Rec last = intent.answers.isEmpty() ? null : intent.answers.get(intent.answers.size() - 1);
            if (last != null && last.status > 0 && last.status < 500) {
                intent.finalStatus = last.status;
                continue;
            }
            for (int attempt = 0; attempt < 10; attempt++) {
                Rec r = call(intent.op, intent.request, intent.token).get();
                intent.answers.add(r);
                if (r.status > 0 && r.status < 500) {
                    intent.finalStatus = r.status;
                    outcomes.merge(intent.op + " " + r.status, 1, Integer::sum);
                    break;
                }
                Thread.sleep(1000);
            }
            if (intent.finalStatus == 0) {
                outcomes.merge(intent.op + " still failing", 1, Integer::sum);
            }
        }
        retried = outcomes;
    }

    static Map<String, Integer> retried = Map.of();

    static void writeIds(Path out) throws IOException {
        List<String> appointments = new ArrayList<>();
        List<String> tickets = new ArrayList<>();
        for (Map.Entry<String, Intent> e : intents.entrySet()) {
            String id = ids.get(e.getKey());
            if (id != null && e.getValue().op.equals("book")) {
                appointments.add(id);
            } else if (id != null && e.getValue().op.equals("feedback")) {
                tickets.add(id);
            }
        }
        Files.write(out.resolve("appointments.txt"), appointments.stream().distinct().toList());
        Files.write(out.resolve("tickets.txt"), tickets.stream().distinct().toList());
        Files.write(out.resolve("cancelled.txt"), List.copyOf(Races.cancelled));
        Files.write(out.resolve("moved.csv"), Races.moved.entrySet().stream().map(e -> e.getKey() + "," + e.getValue()).toList());
        Files.write(out.resolve("slots.csv"), pushedVersions.entrySet().stream()
                .map(e -> e.getKey() + "," + e.getValue()).toList());
        // When each phase began and ended, as Unix seconds, for the database checks.
        Files.write(out.resolve("phases.csv"), phases.entrySet().stream().map(e -> String.format("%s,%.3f,%.3f",
                e.getKey(), epoch(e.getValue()[0]), epoch(e.getValue()[1]))).toList());
    }

    static double epoch(double t) {
        return T0_EPOCH_MS / 1000.0 + t;
    }

    static String clock(double t) {
        return java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss").withZone(java.time.ZoneOffset.UTC)
                .format(java.time.Instant.ofEpochMilli((long) (epoch(t) * 1000)));
    }

    // ---------------------------------------------------------------- HTTP helpers

    static HttpRequest.Builder json(String path, String token, String body) {
        return json(base, path, token, body);
    }

    static HttpRequest.Builder json(String at, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(at + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    static String put(String path, String token, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token).PUT(HttpRequest.BodyPublishers.ofString(body)), null).body();
    }

    static HttpResponse<String> send(HttpRequest.Builder b, String token) throws Exception {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(b.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(response.request().uri().getPath() + " answered " + response.statusCode()
                    + ": " + response.body());
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

    // ---------------------------------------------------------------- reports

    static final class Reports {

        static String summary(List<Rec> list) {
            if (list.isEmpty()) {
                return "no requests";
            }
            List<Double> ms = list.stream().map(Rec::ms).sorted().toList();
            Map<String, Long> outcomes = new TreeMap<>(list.stream().collect(Collectors.groupingBy(Rec::outcome,
                    Collectors.counting())));
            return String.format("%d requests, p50 %.1f ms, p99 %.1f ms, max %.0f ms, answers %s", list.size(),
                    pct(ms, 0.5), pct(ms, 0.99), ms.get(ms.size() - 1), outcomes);
        }

        static double pct(List<Double> sorted, double p) {
            return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
        }

        static List<Rec> startedIn(double from, double to) {
            return recs.where(r -> r.start >= from && r.start < to && !r.op.equals("none"));
        }

        static void phases() {
            for (Map.Entry<String, double[]> p : phases.entrySet()) {
                if (!p.getKey().startsWith("cmd:")) {
                    System.out.printf("%-10s %5.1f s: %s%n", p.getKey(), p.getValue()[1] - p.getValue()[0],
                            summary(startedIn(p.getValue()[0], p.getValue()[1])));
                }
            }
            long saturated = recs.where(r -> "client-saturated".equals(r.error)).size();
            if (saturated > 0) {
                System.out.printf("not sent (1,024 requests already waiting): %d%n", saturated);
            }
        }

        static void outage() {
            double[] stop = phases.get("cmd:outage");
            double[] start = phases.get("cmd:after");
            double[] before = phases.get("before");
            double[] after = phases.get("after");
            List<Rec> beforeStop = startedIn(before[0], stop[0]);
            System.out.printf("before the outage (%.0f s): %s%n", stop[0] - before[0], summary(beforeStop));
            System.out.printf("  of which in flight when the stop began: %s%n",
                    summary(beforeStop.stream().filter(r -> r.end > stop[0]).toList()));
            System.out.printf("while PostgreSQL was stopping (%.1f s): %s%n", stop[1] - stop[0],
                    summary(startedIn(stop[0], stop[1])));
            List<Rec> during = startedIn(stop[1], start[0]);
            System.out.printf("PostgreSQL down (%.1f s): %s%n", start[0] - stop[1], summary(during));
            System.out.printf("  of which 503 problem+json (type unavailable) with Retry-After: %d of %d; per kind: %s%n",
                    during.stream().filter(Rec::unavailable).count(), during.size(), new TreeMap<>(during.stream()
                            .collect(Collectors.groupingBy(r -> r.op + " " + r.outcome(), Collectors.counting()))));
            System.out.printf("while PostgreSQL started (%.1f s): %s%n", start[1] - start[0],
                    summary(startedIn(start[0], start[1])));
            System.out.printf("after (%.0f s): %s%n", after[1] - after[0], summary(startedIn(after[0], after[1])));
            readinessReport(stop[0], start[1]);
            List<Rec> afterStart = recs.where(r -> r.end >= start[1] && r.start >= stop[1] && !r.op.equals("none"));
            afterStart.sort(java.util.Comparator.comparingDouble(Rec::end));
            afterStart.stream().filter(Rec::ok).findFirst().ifPresent(r -> System.out.printf(
                    "recovery: first successful answer %.0f ms after PostgreSQL accepted connections again (%s)%n",
                    (r.end - start[1]) * 1000, r.op));
            Map<String, Double> firstOk = new TreeMap<>();
            afterStart.stream().filter(Rec::ok).forEach(r -> firstOk.putIfAbsent(r.op, (r.end - start[1]) * 1000));
            System.out.printf("  first success per kind (ms after): %s%n", firstOk.entrySet().stream()
                    .map(e -> e.getKey() + " " + Math.round(e.getValue())).collect(Collectors.joining(", ")));
            afterStart.stream().filter(r -> r.start >= start[1] && (r.status >= 500 || r.status < 0))
                    .max(java.util.Comparator.comparingDouble(Rec::end)).ifPresentOrElse(
                            r -> System.out.printf("  last failure of a request sent after the restart: %.0f ms after (%s %s)%n",
                                    (r.end - start[1]) * 1000, r.op, r.outcome()),
                            () -> System.out.println("  no request sent after the restart failed"));
            synchronized (ticketEvents) {
                System.out.printf("staff ticket stream: %d ticket events before the outage, %d after PostgreSQL was back%n",
                        ticketEvents.stream().filter(t -> t < stop[0]).count(),
                        ticketEvents.stream().filter(t -> t > start[1]).count());
            }
            System.out.printf("writes sent again after the run with the same key (lost or 5xx answers): %s%n", retried);
        }

        static void readinessReport(double down, double back) {
            synchronized (readiness) {
                Double firstDown = readiness.stream().filter(s -> s[0] >= down && s[1] != 200).map(s -> s[0]).findFirst()
                        .orElse(null);
                Double upAgain = readiness.stream().filter(s -> s[0] >= back && s[1] == 200).map(s -> s[0]).findFirst()
                        .orElse(null);
                long downSamples = readiness.stream().filter(s -> s[0] >= down && s[0] < back && s[1] != 200).count();
                long samples = readiness.stream().filter(s -> s[0] >= down && s[0] < back).count();
                System.out.printf("readiness: DOWN %s after the stop began (%d of %d polls while PostgreSQL was stopping "
                                + "or down), UP again %s after it was back%n",
                        firstDown == null ? "never" : String.format("%.1f s", firstDown - down), downSamples, samples,
                        upAgain == null ? "never" : String.format("%.1f s", upAgain - back));
            }
        }

        /** Two instances: each one's answers, then how every race between them was settled. */
        static void instances() {
            double[] load = phases.get("load");
            List<Rec> during = startedIn(load[0], load[1]);
            for (int i = 0; i < bases.size(); i++) {
                int instance = i;
                List<Rec> mine = during.stream().filter(r -> r.instance == instance).toList();
                System.out.printf("instance %d (%s): %s%n", i + 1, bases.get(i), summary(mine));
                new TreeMap<>(mine.stream().collect(Collectors.groupingBy(Rec::op))).forEach((op, list) ->
                        System.out.printf("  %-8s %s%n", op, summaryByType(list)));
            }
            java.util.Queue<List<Rec>> none = new ConcurrentLinkedQueue<>();
            List<List<Rec>> same = List.copyOf(Races.groups.getOrDefault("same key", none));
            System.out.printf("same Idempotency-Key and body sent to both instances at once: %d bookings; answers %s; "
                            + "both 2xx naming one appointment: %d, 2xx naming different appointments: %d (must be 0)%n",
                    same.size(), pairs(same), same.stream().filter(g -> g.stream().allMatch(Rec::ok)
                            && g.stream().map(Rec::id).distinct().count() == 1).count(),
                    same.stream().filter(g -> g.stream().filter(Rec::ok).map(Rec::id).distinct().count() > 1).count());
            List<List<Rec>> contended = List.copyOf(Races.groups.getOrDefault("contended", none));
            System.out.printf("contended slots (capacity 2), four patients at once on alternate instances: %d races; "
                            + "races by places won %s; answers %s%n", contended.size(),
                    new TreeMap<>(contended.stream().collect(Collectors.groupingBy(g -> g.stream().filter(Rec::ok).count(),
                            Collectors.counting()))), outcomes(contended.stream().flatMap(List::stream).toList()));
            List<List<Rec>> sameDay = List.copyOf(Races.groups.getOrDefault("same doctor same day", none));
            System.out.printf("one patient, two slots of one doctor on one day, one per instance at once: %d; answers %s; "
                            + "both booked: %d (must be 0)%n", sameDay.size(), pairs(sameDay),
                    sameDay.stream().filter(g -> g.stream().allMatch(Rec::ok)).count());
            List<List<Rec>> cancels = List.copyOf(Races.groups.getOrDefault("cancel", none));
            System.out.printf("one appointment cancelled on both instances at once: %d; answers %s; both 200: %d (must be 0)%n",
                    cancels.size(), pairs(cancels), cancels.stream().filter(g -> g.stream().allMatch(Rec::ok)).count());
            System.out.printf("moves (reschedule, half of them to contended slots): %s%n",
                    summaryByType(during.stream().filter(r -> r.op.equals("move")).toList()));
            System.out.printf("writes sent again after the run with the same key (lost or 5xx answers): %s%n", retried);
        }

        static String label(Rec r) {
            return r.outcome() + (r.type == null ? "" : " " + r.type.replace("urn:patientcrm:problem:", ""));
        }

        static Map<String, Long> outcomes(List<Rec> list) {
            return new TreeMap<>(list.stream().collect(Collectors.groupingBy(Reports::label, Collectors.counting())));
        }

        /** Each race's answers as one sorted combination ("201 + 409 slot-full"), counted. */
        static Map<String, Long> pairs(List<List<Rec>> groups) {
            return new TreeMap<>(groups.stream().collect(Collectors.groupingBy(g -> g.stream().map(Reports::label).sorted()
                    .collect(Collectors.joining(" + ")), Collectors.counting())));
        }

        static String summaryByType(List<Rec> list) {
            if (list.isEmpty()) {
                return "no requests";
            }
            List<Double> ms = list.stream().map(Rec::ms).sorted().toList();
            return String.format("%d requests, p50 %.1f ms, p99 %.1f ms, answers %s", list.size(), pct(ms, 0.5),
                    pct(ms, 0.99), outcomes(list));
        }

        /** PostgreSQL frozen (SIGSTOP at the phase "hang", SIGCONT at "after"): bounded 503s, readiness, recovery. */
        static void hang() {
            double frozen = phases.get("cmd:hang")[1];
            double[] cont = phases.get("cmd:after");
            double resumed = cont[1];
            double[] before = phases.get("before");
            double[] after = phases.get("after");
            double bound = Double.parseDouble(arg("bound", "10"));
            List<Rec> beforeHang = startedIn(before[0], frozen);
            System.out.printf("before the hang (%.0f s): %s%n", frozen - before[0], summary(beforeHang));
            System.out.printf("  of which in flight when PostgreSQL froze: %s%n",
                    summary(beforeHang.stream().filter(r -> r.end > frozen).toList()));
            List<Rec> during = startedIn(frozen, cont[0]);
            System.out.printf("PostgreSQL frozen (%.1f s): %s%n", cont[0] - frozen, summary(during));
            System.out.printf("  of which 503 problem+json (type unavailable) with Retry-After: %d of %d, answered within %.0f s: "
                            + "%d of %d; per kind: %s%n", during.stream().filter(Rec::unavailable).count(), during.size(), bound,
                    during.stream().filter(r -> r.status > 0 && r.end - r.start <= bound).count(), during.size(),
                    new TreeMap<>(during.stream().collect(Collectors.groupingBy(r -> r.op + " " + r.outcome(),
                            Collectors.counting()))));
            System.out.printf("after (%.0f s): %s%n", after[1] - after[0], summary(startedIn(after[0], after[1])));
            readinessReport(frozen, resumed);
            synchronized (readiness) {
                List<double[]> polls = readiness.stream().filter(p -> p[0] >= frozen && p[0] < resumed).toList();
                System.out.printf("  readiness polls sent while frozen: %s, answered in %s s%n", new TreeMap<>(polls.stream()
                                .collect(Collectors.groupingBy(p -> p[1] < 0 ? "no answer within " + arg("readiness.timeout", "2") + " s"
                                        : Integer.toString((int) p[1]), Collectors.counting()))),
                        polls.stream().map(p -> String.format("%.1f", p[2])).collect(Collectors.joining(", ")));
            }
            List<Rec> afterResume = recs.where(r -> r.end >= resumed && !r.op.equals("none") && !r.phase.equals("retry"));
            afterResume.sort(java.util.Comparator.comparingDouble(Rec::end));
            afterResume.stream().filter(Rec::ok).findFirst().ifPresent(r -> System.out.printf(
                    "recovery: first successful answer %.0f ms after PostgreSQL resumed (%s)%n", (r.end - resumed) * 1000, r.op));
            afterResume.stream().filter(r -> r.start >= resumed && (r.status >= 500 || r.status < 0))
                    .max(java.util.Comparator.comparingDouble(Rec::end)).ifPresentOrElse(
                            r -> System.out.printf("  last failure of a request sent after it resumed: %.0f ms after (%s %s)%n",
                                    (r.end - resumed) * 1000, r.op, r.outcome()),
                            () -> System.out.println("  no request sent after it resumed failed"));
            System.out.println("timeline (by when requests were sent, seconds from SIGSTOP):");
            for (double t = before[0]; t < after[1]; t += 5) {
                List<Rec> window = startedIn(t, Math.min(t + 5, after[1]));
                System.out.printf("  %+5.0f s: %s%n", t - frozen, summary(window));
            }
            System.out.printf("writes sent again after the run with the same key (lost or 5xx answers): %s%n", retried);
        }

        static void providers() {
            for (Map.Entry<String, double[]> p : phases.entrySet()) {
                if (p.getKey().startsWith("cmd:")) {
                    continue;
                }
                double from = p.getValue()[0];
                double to = p.getValue()[1];
                List<Rec> bookings = startedIn(from, to).stream().filter(r -> r.op.equals("book")).toList();
                double waiting;
                synchronized (probes) {
                    waiting = probes.stream().filter(s -> s[0] >= from && s[0] < to).mapToDouble(s -> s[1]).max().orElse(-1);
                }
                System.out.printf("%-9s from %s, %3.0f s (%s): bookings %s; confirmations waiting at most %.0f%n",
                        p.getKey(), clock(from), to - from, arg("mode." + p.getKey(), "-"),
                        bookings.isEmpty() ? "none" : summary(bookings), waiting);
            }
        }

        static void sigterm() {
            double[] term = phases.get("cmd:term");
            double kill = term[0];
            List<Rec> before = recs.where(r -> r.start < kill && !r.op.equals("none") && !r.phase.equals("setup"));
            List<Rec> inFlight = before.stream().filter(r -> r.end > kill).toList();
            List<Rec> afterKill = recs.where(r -> r.start >= kill && r.phase.equals("term") && !r.op.equals("none"));
            System.out.printf("SIGTERM at %s UTC%n", clock(kill));
            System.out.printf("sent before SIGTERM: %s%n", summary(before));
            System.out.printf("  in flight at SIGTERM: %s%n", summary(inFlight));
            System.out.printf("sent after SIGTERM: %s%n", summary(afterKill));
            afterKill.stream().filter(r -> r.status > 0 && r.status != 503).max(java.util.Comparator.comparingDouble(Rec::start))
                    .ifPresent(r -> System.out.printf("  last one served: sent %.0f ms after SIGTERM (%s %d)%n",
                            (r.start - kill) * 1000, r.op, r.status));
            afterKill.stream().filter(r -> r.status == 503 || r.status < 0).min(java.util.Comparator.comparingDouble(Rec::start))
                    .ifPresent(r -> System.out.printf("  first one refused: sent %.0f ms after SIGTERM (%s)%n",
                            (r.start - kill) * 1000, r.outcome()));
            System.out.printf("process exited %s after SIGTERM%n",
                    exitedAt < 0 ? "not within the run" : String.format("%.1f s", exitedAt - kill));
            System.out.printf("writes sent again after the restart with the same key (lost or 5xx answers): %s%n", retried);
        }
    }
}

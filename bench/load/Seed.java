import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeds the load simulation's data over HTTP, as the hospital, its staff and its patients would make it (JDK only):
 * the hospital pushes DEPARTMENTS departments with DOCTORS doctors each and their slots for the booking horizon;
 * a content editor writes and publishes ARTICLES articles aimed at conditions, topics, departments and ages; a
 * feedback manager defines an outpatient satisfaction survey sent right after a visit; PATIENTS patients sign in
 * through the WeChat flow (against FakeProviders) and fill in their profile; each books a visit that the hospital
 * completes (some with diagnoses, which the feed ranks by), which invites them to the survey; the LIS and PACS push
 * REPORTS reports per patient. Writes the feeders: OUT/patients.csv (one token per patient), OUT/slots.csv.
 *
 * Usage: java Seed.java base client secret adminPassword patients out
 */
public class Seed {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final Pattern TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");
    static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    static final int DOCTORS = 8;
    static final int DAYS = 13;
    static final int SLOTS_PER_DAY = 8;
    static final int CAPACITY = 10;
    static final int ARTICLES = 40;
    static final int REPORTS = 2;
    static final String[][] DEPARTMENTS = {{"CARD", "Cardiology"}, {"ENDO", "Endocrinology"},
        {"GAST", "Gastroenterology"}, {"RESP", "Respiratory medicine"}, {"NEUR", "Neurology"}, {"ORTH", "Orthopaedics"},
        {"OBGY", "Obstetrics and gynaecology"}, {"PAED", "Paediatrics"}, {"DERM", "Dermatology"},
        {"OPHT", "Ophthalmology"}};
    static final String[] DIAGNOSES = {"E11.9", "I10", "J45.9", "K21.0", "M54.5", "I25.1", "E78.5", "N39.0"};
    static final String[] TOPICS = {"diabetes", "heart", "nutrition", "exercise", "sleep", "pregnancy", "asthma",
        "back-pain", "vaccination", "mental-health"};
    static final String[] CONDITIONS = {"E11", "I10", "J45", "K21", "M54", "I25", "E78", "O", "N39", "F32"};

    static String base;
    static final Random RANDOM = new Random(7);

    public static void main(String[] args) throws Exception {
        base = args[0];
        String secret = args[2];
        int patients = Integer.parseInt(args[4]);
        Path out = Path.of(args[5]);
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        String basic = java.util.Base64.getEncoder().encodeToString((args[1] + ":" + secret).getBytes());
        String client = first(TOKEN, send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")), null));
        String staff = first(TOKEN, send(json("/api/v1/auth/staff", "{\"username\":\"admin\",\"password\":\""
                + args[3] + "\"}"), null));
        ExecutorService pool = Executors.newFixedThreadPool(12);

        List<String> departmentIds = new ArrayList<>();
        List<String> slots = Collections.synchronizedList(new ArrayList<>());
        List<Callable<Void>> doctors = new ArrayList<>();
        for (String[] dep : DEPARTMENTS) {
            departmentIds.add(first(ID, put("/integration/v1/departments/" + dep[0], client, "{\"name\":\"" + dep[1]
                    + "\",\"timeZone\":\"Asia/Shanghai\",\"bookingHorizonDays\":14,\"minNoticeMinutes\":60,\"version\":1}")));
            for (int d = 0; d < DOCTORS; d++) {
                String ext = dep[0] + "-D" + d;
                int n = d;
                doctors.add(() -> {
                    put("/integration/v1/doctors/" + ext, client, "{\"departmentExternalId\":\"" + dep[0]
                            + "\",\"name\":\"Dr. " + dep[1].charAt(0) + n + "\",\"title\":\""
                            + (n < 2 ? "Chief physician" : "Attending physician") + "\",\"version\":1}");
                    Matcher m = ID.matcher(send(json("/integration/v1/slots", slotBatch(ext)), client));
                    while (m.find()) {
                        slots.add(m.group(1));
                    }
                    return null;
                });
            }
        }
        all(pool, doctors);
        log(t0, "%d departments, %d doctors, %d slots of %d places", DEPARTMENTS.length, DEPARTMENTS.length * DOCTORS,
                slots.size(), CAPACITY);

        List<Callable<Void>> articles = new ArrayList<>();
        for (int a = 0; a < ARTICLES; a++) {
            String body = article(a, departmentIds);
            articles.add(() -> {
                String id = first(ID, send(json("/staff/v1/articles", body), staff));
                send(HttpRequest.newBuilder(URI.create(base + "/staff/v1/articles/" + id + "/publish"))
                        .POST(HttpRequest.BodyPublishers.noBody()), staff);
                return null;
            });
        }
        all(pool, articles);
        send(json("/staff/v1/surveys", survey()), staff);
        log(t0, "%d articles published, 1 survey (sent right after a completed visit)", ARTICLES);

        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> tokens = Collections.synchronizedList(new ArrayList<>());
        List<Callable<Void>> people = new ArrayList<>();
        for (int i = 0; i < patients; i++) {
            int n = i;
            long seed = RANDOM.nextLong();
            people.add(() -> {
                tokens.add(patient(n, run, seed, client, slots));
                return null;
            });
        }
        all(pool, people);
        pool.shutdown();
        log(t0, "%d patients signed in through the WeChat flow, each with a profile, a completed visit (a survey "
                + "invitation; %d%% with diagnoses) and %d reports", tokens.size(), 50, REPORTS);
        Files.write(out.resolve("patients.csv"), prepend("token", tokens));
        Files.write(out.resolve("slots.csv"), prepend("slotId", slots));
    }

    /** One patient: sign-in, profile, a visit the hospital completes, reports. Answers the access token. */
    static String patient(int n, String run, long seed, String client, List<String> slots) throws Exception {
        Random r = new Random(seed);
        // Distinct client addresses (the service trusts X-Forwarded-For here): sign-ins are limited per address.
        String ip = "10.50." + (n / 50) % 250 + "." + (n % 50 + 1);
        String token = first(TOKEN, send(json("/api/v1/auth/wechat", "{\"code\":\"load-" + run + "-" + n + "\"}")
                .header("X-Forwarded-For", ip), null));
        String me = first(ID, send(HttpRequest.newBuilder(URI.create(base + "/api/v1/me")).GET(), token));
        LocalDate born = LocalDate.of(1940 + r.nextInt(80), 1 + r.nextInt(12), 1 + r.nextInt(28));
        send(HttpRequest.newBuilder(URI.create(base + "/api/v1/me")).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"name\":\"Patient " + n + "\",\"gender\":\""
                        + (r.nextBoolean() ? "female" : "male") + "\",\"birthDate\":\"" + born + "\"}")), token);
        String visit = null;
        for (int attempt = 0; visit == null && attempt < 5; attempt++) {
            HttpResponse<String> booked = HTTP.send(json("/api/v1/appointments", "{\"slotId\":\""
                    + slots.get(r.nextInt(slots.size())) + "\"}").header("Idempotency-Key", UUID.randomUUID().toString())
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (booked.statusCode() == 201) {
                visit = first(ID, booked.body());
            }
        }
        if (visit == null) {
            throw new IllegalStateException("no visit could be booked for patient " + n);
        }
        String diagnoses = r.nextBoolean() ? ",\"diagnosisCodes\":[\"" + DIAGNOSES[r.nextInt(DIAGNOSES.length)] + "\"]" : "";
        send(HttpRequest.newBuilder(URI.create(base + "/integration/v1/appointments/" + visit))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"status\":\"COMPLETED\"" + diagnoses + "}")), client);
        for (int k = 0; k < REPORTS; k++) {
            send(json("/integration/v1/reports", report(n, k, me, visit, r)), client);
        }
        return token;
    }

    static String slotBatch(String doctor) {
        StringBuilder batch = new StringBuilder("{\"slots\":[");
        LocalDate tomorrow = LocalDate.now(ZONE).plusDays(1);
        int count = 0;
        for (int d = 0; d < DAYS; d++) {
            for (int s = 0; s < SLOTS_PER_DAY; s++) {
                int minutes = 8 * 60 + s * 30;
                String start = tomorrow.plusDays(d) + "T" + String.format("%02d:%02d", minutes / 60, minutes % 60);
                String end = tomorrow.plusDays(d) + "T" + String.format("%02d:%02d", (minutes + 30) / 60, (minutes + 30) % 60);
                batch.append(count++ > 0 ? "," : "").append("{\"externalId\":\"").append(doctor).append('-').append(d)
                        .append('-').append(s).append("\",\"doctorExternalId\":\"").append(doctor).append("\",\"start\":\"")
                        .append(start).append("\",\"end\":\"").append(end).append("\",\"timeZone\":\"Asia/Shanghai\",")
                        .append("\"capacity\":").append(CAPACITY).append(",\"visitType\":\"outpatient\",\"feeCents\":")
                        .append(d % 3 == 0 ? 5000 : 2500).append(",\"version\":1}");
            }
        }
        return batch.append("]}").toString();
    }

    static String article(int a, List<String> departmentIds) {
        String topic = TOPICS[a % TOPICS.length];
        String condition = CONDITIONS[a % CONDITIONS.length];
        StringBuilder body = new StringBuilder("# Living well with " + topic + "\n\n");
        for (int p = 0; p < 12; p++) {
            body.append("Paragraph ").append(p + 1).append(": practical advice about ").append(topic)
                    .append(", what to ask your doctor, and when to come back. **Keep a record** of your readings and")
                    .append(" bring it to your next visit.\n\n- a first point\n- a second point\n\n");
        }
        String ages = a % 5 == 0 ? ",\"ageMin\":60,\"ageMax\":120" : a % 7 == 0 ? ",\"ageMin\":18,\"ageMax\":45" : "";
        String sex = condition.equals("O") ? ",\"sex\":\"female\"" : "";
        return "{\"title\":\"" + topic + " guide " + a + "\",\"summary\":\"What patients ask most about " + topic
                + ".\",\"body\":\"" + body.toString().replace("\n", "\\n") + "\",\"coverUrl\":\"https://cdn.example/cover/"
                + a + ".jpg\",\"tags\":[\"" + topic + "\"],\"conditionCodes\":[\"" + condition + "\"],\"departmentIds\":[\""
                + departmentIds.get(a % departmentIds.size()) + "\"]" + ages + sex + "}";
    }

    static String survey() {
        return """
                {"code":"outpatient-satisfaction","title":"How was your visit?","recontactDays":0,"validDays":30,
                 "trigger":{"event":"appointment.completed","delayHours":0},
                 "questions":[{"id":"nps","type":"nps","text":"How likely are you to recommend us?"},
                  {"id":"rating","type":"rating","text":"How satisfied were you with your visit?"},
                  {"id":"wait","type":"single_choice","text":"How long did you wait?","required":false,
                   "options":["<15 min","15-30 min",">30 min"]},
                  {"id":"comment","type":"text","text":"Anything else?","required":false}]}""";
    }

    static String report(int n, int k, String patient, String visit, Random r) {
        String common = "{\"externalId\":\"LIS-" + n + "-" + k + "\",\"patientId\":\"" + patient + "\",\"appointmentId\":\""
                + visit + "\",\"issuedAt\":\"" + Instant.now().minus(k + 1, ChronoUnit.HOURS) + "\",\"status\":\"FINAL\","
                + "\"version\":1,";
        if (k == 1 && n % 3 == 0) {
            return common + "\"kind\":\"IMAGING\",\"title\":\"Chest X-ray\",\"imaging\":{\"modality\":\"DX\",\"bodySite\":"
                    + "\"Chest\",\"findings\":\"The lungs are clear. Heart size is normal. No pleural effusion.\","
                    + "\"impression\":\"No acute cardiopulmonary abnormality.\"}}";
        }
        String[][] tests = {{"WBC", "White blood cells", "10^9/L", "3.5-9.5"}, {"RBC", "Red blood cells", "10^12/L", "4.3-5.8"},
            {"HGB", "Haemoglobin", "g/L", "130-175"}, {"PLT", "Platelets", "10^9/L", "125-350"},
            {"GLU", "Fasting glucose", "mmol/L", "3.9-6.1"}, {"HBA1C", "HbA1c", "%", "4.0-6.0"},
            {"ALT", "Alanine aminotransferase", "U/L", "9-50"}, {"AST", "Aspartate aminotransferase", "U/L", "15-40"},
            {"CREA", "Creatinine", "umol/L", "57-111"}, {"UA", "Uric acid", "umol/L", "208-428"},
            {"TC", "Total cholesterol", "mmol/L", "0-5.2"}, {"LDL", "LDL cholesterol", "mmol/L", "0-3.4"}};
        StringBuilder items = new StringBuilder();
        for (String[] t : tests) {
            int roll = r.nextInt(10);
            items.append(items.length() > 0 ? "," : "").append("{\"code\":\"").append(t[0]).append("\",\"name\":\"")
                    .append(t[1]).append("\",\"value\":\"").append(5 + r.nextInt(100)).append("\",\"unit\":\"")
                    .append(t[2]).append("\",\"referenceRange\":\"").append(t[3]).append("\",\"abnormal\":")
                    .append(roll == 0 ? "\"H\"" : roll == 1 ? "\"L\"" : "null").append('}');
        }
        return common + "\"kind\":\"LAB\",\"title\":\"" + (k == 0 ? "Complete blood count and chemistry" : "Follow-up panel")
                + "\",\"items\":[" + items + "]}";
    }

    static void all(ExecutorService pool, List<Callable<Void>> tasks) throws Exception {
        for (Future<Void> f : pool.invokeAll(tasks)) {
            f.get();
        }
    }

    static List<String> prepend(String header, List<String> rows) {
        List<String> lines = new ArrayList<>(rows.size() + 1);
        lines.add(header);
        lines.addAll(rows);
        return lines;
    }

    static void log(long t0, String format, Object... args) {
        System.out.printf("seeded in %3.0f s: %s%n", (System.nanoTime() - t0) / 1e9, String.format(format, args));
    }

    static HttpRequest.Builder json(String path, String body) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    static String put(String path, String token, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)), token);
    }

    static String send(HttpRequest.Builder b, String token) throws Exception {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(b.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(response.request().method() + " " + response.request().uri().getPath()
                    + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    static String first(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("unexpected answer: " + body);
        }
        return m.group(1);
    }
}

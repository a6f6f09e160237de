import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stand-ins for WeChat's subscribe-message API and FCM's v1 send API for the notifications benchmark: each send
 * answers success after DELAY_MS (a realistic provider round trip), and every message is counted by its identity
 * (WeChat: openid, page, which names the appointment, template and content; FCM: token and message id) so
 * duplicates show. A WeChat message carries no id of its own: two messages of identical content to one person about
 * one appointment (a booking's confirmation and its cancellation's use one template and the same fields) count as one
 * sent twice, so /stats also counts duplicates per provider; FCM's are exact.
 * Like WeChat, a subscription (openid and template) carries one message: a second send for it answers 43101 and is
 * not delivered (the benchmarks give each WeChat patient one subscription and one message); ONE_PER_SUBSCRIPTION=false
 * turns that off for runs whose patients hold many credits.
 * Login: GET /sns/jscode2session answers openid o-CODE for any code (as docker/fake-wechat does).
 * Faults (bench/faults/providers.sh): POST /mode?wechat=M&fcm=M sets how each provider answers its sends from now on,
 * M being ok, hang (holds the request without an answer until the mode changes or HANG_MS passes, then drops it),
 * reset (drops the connection without an answer) or 503 (HTTP 503, FCM's UNAVAILABLE body). A send that was not
 * answered with success is not delivered and is counted apart.
 * GET /stats answers the counts. JDK only: java FakeProviders.java PORT DELAY_MS
 */
public class FakeProviders {

    private static final Pattern TOUSER = Pattern.compile("\"touser\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern PAGE = Pattern.compile("\"page\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern MESSAGE_ID = Pattern.compile("\"messageId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern FIELD = Pattern.compile("\"([A-Za-z_]+[0-9]*)\"\\s*:\\s*\\{\\s*\"value\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern TEMPLATE = Pattern.compile("\"template_id\"\\s*:\\s*\"([^\"]+)\"");
    private static final java.util.Set<String> subscriptionsUsed = ConcurrentHashMap.newKeySet();
    private static final LongAdder wechatRefused = new LongAdder();

    private static final ConcurrentHashMap<String, LongAdder> seen = new ConcurrentHashMap<>();
    private static final LongAdder wechat = new LongAdder();
    private static final LongAdder fcm = new LongAdder();
    private static final AtomicLong ids = new AtomicLong();
    private static final boolean ONE_PER_SUBSCRIPTION = !"false".equals(System.getenv("ONE_PER_SUBSCRIPTION"));
    private static final long HANG_MS = Long.parseLong(System.getenv().getOrDefault("HANG_MS", "60000"));
    private static final Pattern CODE = Pattern.compile("js_code=([^&]+)");
    private static final ConcurrentHashMap<String, String> modes = new ConcurrentHashMap<>(Map.of("wechat", "ok", "fcm", "ok"));
    private static final ConcurrentHashMap<String, LongAdder> failed = new ConcurrentHashMap<>();

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        long delay = Long.parseLong(args[1]);
        // One process stands in for two providers, each of which keeps its clients' connections alive: the JDK
        // server's default of 200 idle connections in all would close the surplus at once under a few hundred sends
        // in flight, and every client would keep meeting connections that had just been closed.
        System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(Executors.newFixedThreadPool(256));
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                if (path.startsWith("/cgi-bin/token") || path.startsWith("/cgi-bin/stable_token")) {
                    answer(exchange, 200, "{\"access_token\":\"bench-token\",\"expires_in\":7200}");
                } else if (path.equals("/sns/jscode2session")) {
                    String code = first(CODE, String.valueOf(exchange.getRequestURI().getRawQuery()));
                    answer(exchange, 200, "{\"openid\":\"o-" + code + "\",\"session_key\":\"fake-session-key-" + code
                            + "\",\"unionid\":\"u-" + code + "\"}");
                } else if (path.equals("/mode")) {
                    String query = String.valueOf(exchange.getRequestURI().getRawQuery());
                    for (String provider : List.of("wechat", "fcm")) {
                        Matcher m = Pattern.compile(provider + "=(ok|hang|reset|503)").matcher(query);
                        if (m.find()) {
                            modes.put(provider, m.group(1));
                        }
                    }
                    answer(exchange, 200, "{\"wechat\":\"" + modes.get("wechat") + "\",\"fcm\":\"" + modes.get("fcm") + "\"}");
                } else if (path.equals("/cgi-bin/message/subscribe/send")) {
                    sleep(delay);
                    if (misbehave("wechat", exchange)) {
                        return;
                    }
                    if (ONE_PER_SUBSCRIPTION && !subscriptionsUsed.add(first(TOUSER, body) + "|" + first(TEMPLATE, body))) {
                        wechatRefused.increment();
                        answer(exchange, 200, "{\"errcode\":43101,\"errmsg\":\"user refuse to accept the msg\"}");
                        return;
                    }
                    wechat.increment();
                    // A message is its recipient, page (which names the appointment), template and content: a booking's
                    // confirmation and its cancellation's are two messages, the same one sent again is a duplicate.
                    count("wechat|" + first(TOUSER, body) + "|" + first(PAGE, body) + "|" + first(TEMPLATE, body) + "|"
                            + fields(body));
                    answer(exchange, 200, "{\"errcode\":0,\"errmsg\":\"ok\",\"msgid\":" + ids.incrementAndGet() + "}");
                } else if (path.endsWith("/messages:send")) {
                    sleep(delay);
                    if (misbehave("fcm", exchange)) {
                        return;
                    }
                    fcm.increment();
                    count("fcm|" + first(TOKEN, body) + "|" + first(MESSAGE_ID, body));
                    answer(exchange, 200, "{\"name\":\"projects/bench/messages/" + ids.incrementAndGet() + "\"}");
                } else if (path.equals("/stats")) {
                    long duplicates = duplicates("");
                    answer(exchange, 200, "{\"wechat\":" + wechat.sum() + ",\"wechatRefused43101\":" + wechatRefused.sum()
                            + ",\"fcm\":" + fcm.sum() + ",\"distinct\":"
                            + seen.size() + ",\"duplicates\":" + duplicates + ",\"wechatDuplicates\":" + duplicates("wechat|")
                            + ",\"fcmDuplicates\":" + duplicates("fcm|") + notAnswered() + "}");
                } else {
                    answer(exchange, 404, "{\"errcode\":404}");
                }
            }
        });
        server.start();
    }

    /** Answers as the provider's mode says; true when the send was not delivered (the caller answers nothing more). */
    private static boolean misbehave(String provider, HttpExchange exchange) throws IOException {
        String mode = modes.get(provider);
        if (mode.equals("ok")) {
            return false;
        }
        failed.computeIfAbsent(provider + "-" + mode, k -> new LongAdder()).increment();
        if (mode.equals("503")) {
            answer(exchange, 503, provider.equals("fcm")
                    ? "{\"error\":{\"code\":503,\"message\":\"The service is currently unavailable.\",\"status\":\"UNAVAILABLE\"}}"
                    : "{\"errcode\":-1,\"errmsg\":\"system error\"}");
            return true;
        }
        long until = System.currentTimeMillis() + HANG_MS;
        while (mode.equals("hang") && modes.get(provider).equals("hang") && System.currentTimeMillis() < until) {
            sleep(100);
        }
        // No answer at all: closing the exchange before any response drops the connection.
        return true;
    }

    /** A message's template fields, sorted: instances may list them in another order (the JSON order means nothing). */
    private static String fields(String body) {
        Matcher m = FIELD.matcher(body);
        java.util.List<String> fields = new java.util.ArrayList<>();
        while (m.find()) {
            fields.add(m.group(1) + "=" + m.group(2));
        }
        return String.join("|", new java.util.TreeSet<>(fields));
    }

    /** Sends beyond the first of each message whose identity starts so. */
    private static long duplicates(String prefix) {
        return seen.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue().sum())
                .filter(n -> n > 1).map(n -> n - 1).sum();
    }

    private static String notAnswered() {
        return failed.isEmpty() ? "" : failed.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> "\"" + e.getKey() + "\":" + e.getValue().sum())
                .collect(java.util.stream.Collectors.joining(",", ",\"notAnswered\":{", "}"));
    }

    private static void count(String key) {
        seen.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    private static String first(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        return m.find() ? m.group(1) : "?";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}

package com.patientcrm.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A hospital system's webhook receiver over real HTTP: records each request (headers and raw body) and answers with
 * the scripted statuses in order (then 204). A scripted answer can carry a Retry-After or a delay.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** A request as it arrived, with the status it was answered with. */
    public record Received(Map<String, List<String>> headers, String body, Instant at, int status, String path) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    public record Answer(int status, String retryAfter, long delayMillis) {
        public static Answer status(int status) {
            return new Answer(status, null, 0);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Deque<Answer> script = new ConcurrentLinkedDeque<>();
    private volatile Answer fallback = Answer.status(204);

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Instant at = Instant.now();
            Answer answer = script.pollFirst();
            answer = answer == null ? fallback : answer;
            received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8),
                    at, answer.status(), exchange.getRequestURI().getPath()));
            if (answer.delayMillis() > 0) {
                try {
                    Thread.sleep(answer.delayMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            if (answer.retryAfter() != null) {
                exchange.getResponseHeaders().set("Retry-After", answer.retryAfter());
            }
            exchange.sendResponseHeaders(answer.status(), -1);
            exchange.close();
        });
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public void then(Answer... answers) {
        script.addAll(List.of(answers));
    }

    public void always(Answer answer) {
        fallback = answer;
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    public List<Received> ofType(String type) {
        return received().stream().filter(r -> r.body().contains("\"type\":\"" + type + "\"")).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

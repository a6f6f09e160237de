package com.patientcrm.feedback;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;

/**
 * A staff member connected to {@code GET /staff/v1/feedback/stream}, collecting every event. Not through the
 * contract filter: it reads a whole body, and a stream has no end.
 */
final class StaffStream implements AutoCloseable {

    private static final ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>> EVENTS =
            new ParameterizedTypeReference<>() {};

    private final Disposable subscription;

    /** Connects, adding every event to {@code events} as it arrives, and waits for the stream's {@code ready}. */
    StaffStream(int port, String clientIp, String token, List<ServerSentEvent<Map<String, Object>>> events) {
        WebTestClient streaming = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .defaultHeader("X-Forwarded-For", clientIp).defaultHeaders(h -> h.setBearerAuth(token))
                .responseTimeout(Duration.ofMinutes(2)).build();
        subscription = streaming.get().uri("/staff/v1/feedback/stream").accept(MediaType.TEXT_EVENT_STREAM)
                .exchange().expectStatus().isOk().returnResult(EVENTS).getResponseBody().subscribe(events::add);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(e -> "ready".equals(e.event())));
    }

    @Override
    public void close() {
        subscription.dispose();
    }
}

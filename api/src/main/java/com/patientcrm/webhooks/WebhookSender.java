package com.patientcrm.webhooks;

import com.patientcrm.auth.FieldCrypto;
import com.patientcrm.notifications.Batcher;
import com.patientcrm.notifications.OutboxEntry;
import com.patientcrm.notifications.OutboxHandler;
import com.patientcrm.notifications.Outcome;
import com.standardwebhooks.Webhook;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.netty.channel.ChannelOption;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers webhook events from the outbox. Each message goes to every endpoint that was subscribed to its type when
 * it was published (or, for a ping, to its one endpoint) and has not received it yet; a retry sends only to the
 * endpoints still missing it. The body is signed per Standard Webhooks with the official library; webhook-id is the
 * outbox message id, the same on every attempt, so the receiver can drop repeats.
 */
@Component
class WebhookSender implements OutboxHandler, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);

    private final DatabaseClient db;
    private final JsonMapper json;
    private final FieldCrypto crypto;
    private final Clock clock;
    private final WebhookProperties properties;
    private final WebClient http;
    private final CircuitBreakerRegistry breakers;
    /** Every booking, cancellation and reschedule publishes an event: their targets are looked up together. */
    private final Batcher<TargetQuery, List<Target>> targets;

    WebhookSender(DatabaseClient db, JsonMapper json, FieldCrypto crypto, Clock clock, WebhookProperties properties) {
        this.db = db;
        this.json = json;
        this.crypto = crypto;
        this.clock = clock;
        this.properties = properties;
        this.http = WebClient.builder().clientConnector(new ReactorClientHttpConnector(HttpClient.create()
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis())
                        .responseTimeout(properties.responseTimeout())
                        .followRedirect(false)
                        // Reactor Netty resends a request once when its pooled connection is reset, even after the
                        // receiver has taken it: a delivery nobody logged. The outbox retries, with the same id.
                        .disableRetry(true)))
                .build();
        // Opens after breaker-failures failures in a row (the window is that long and every call in it failed).
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(properties.breakerFailures())
                .minimumNumberOfCalls(properties.breakerFailures())
                .failureRateThreshold(100)
                .waitDurationInOpenState(properties.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
        this.targets = Batcher.of("webhooks.targets", List.of(), this::loadTargets);
    }

    @Override
    public void destroy() {
        targets.dispose();
    }

    @Override
    public Set<String> topics() {
        return Stream.concat(Webhooks.EVENT_TYPES.stream(), Stream.of(Webhooks.PING))
                .map(type -> Webhooks.TOPIC_PREFIX + type).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public Mono<Outcome> handle(OutboxEntry entry) {
        String type = entry.text("type");
        String only = entry.text("endpointId");
        return targets.get(new TargetQuery(entry.id(), type, entry.createdAt(), only == null ? null : UUID.fromString(only)))
                .flatMap(found -> {
                    if (found.isEmpty()) {
                        return Mono.just(Outcome.done());
                    }
                    Map<String, Object> event = new LinkedHashMap<>();
                    event.put("type", type);
                    event.put("timestamp", entry.createdAt().toString());
                    event.put("data", entry.payload().get("data"));
                    String body = json.writeValueAsString(event);
                    return Flux.fromIterable(found)
                            .flatMap(target -> send(entry, type, body, target), 4)
                            .collectList()
                            .map(this::outcome);
                });
    }

    /** Which endpoints a message still has to reach: see {@link #loadTargets}. */
    record TargetQuery(UUID message, String type, Instant createdAt, UUID only) {}

    /**
     * For each message, the endpoints it goes to and has not reached yet, in one query for the batch: the message's
     * one endpoint (a ping), else every active endpoint subscribed to its type that existed when it was published.
     */
    private Mono<Map<TargetQuery, List<Target>>> loadTargets(List<TargetQuery> queries) {
        int n = queries.size();
        UUID[] messages = new UUID[n];
        String[] types = new String[n];
        String[] created = new String[n];
        String[] only = new String[n];
        for (int i = 0; i < n; i++) {
            TargetQuery q = queries.get(i);
            messages[i] = q.message();
            types[i] = q.type() == null ? "" : q.type();
            created[i] = q.createdAt().toString();
            only[i] = q.only() == null ? "" : q.only().toString();
        }
        return db.sql("select q.i, e.id, e.url, e.secret, case when e.previous_secret_expires_at > now() "
                        + "then e.previous_secret end as previous_secret "
                        + "from unnest(cast(:messages as uuid[]), cast(:types as text[]), "
                        + "cast(cast(:created as text[]) as timestamptz[]), cast(:only as text[])) "
                        + "with ordinality as q(message, type, created, only_id, i) "
                        + "join app.webhook_endpoints e on e.active and case when q.only_id <> '' "
                        + "then e.id = cast(q.only_id as uuid) else q.type = any(e.event_types) and e.created_at <= q.created end "
                        + "where not exists (select 1 from app.webhook_attempts a where a.message_id = q.message "
                        + "and a.endpoint_id = e.id and a.succeeded) order by q.i, e.created_at, e.id")
                .bind("messages", messages).bind("types", types).bind("created", created).bind("only", only)
                .map(row -> Map.entry(queries.get(row.get("i", Long.class).intValue() - 1),
                        new Target(row.get("id", UUID.class), row.get("url", String.class),
                                row.get("secret", byte[].class), row.get("previous_secret", byte[].class))))
                .all()
                .collect(Collectors.groupingBy(Map.Entry::getKey,
                        Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
    }

    private Mono<Result> send(OutboxEntry entry, String type, String body, Target target) {
        CircuitBreaker breaker = breakers.circuitBreaker(target.id().toString());
        long started = System.nanoTime();
        return Mono.defer(() -> http.post().uri(target.url())
                        .contentType(MediaType.APPLICATION_JSON)
                        .header("webhook-id", entry.id().toString())
                        .headers(headers -> {
                            long timestamp = clock.instant().getEpochSecond();
                            headers.set("webhook-timestamp", Long.toString(timestamp));
                            headers.set("webhook-signature", signature(target, entry.id().toString(), timestamp, body));
                        })
                        .header("User-Agent", "PatientCRM-Webhooks/1")
                        .bodyValue(body)
                        .exchangeToMono(response -> response.releaseBody().thenReturn(new Answer(
                                response.statusCode().value(), RetryAfter.parse(response.headers().asHttpHeaders(), clock))))
                        .flatMap(answer -> answer.ok() || answer.status() == 410 ? Mono.just(answer)
                                : Mono.error(new RejectedException(answer))))
                .transformDeferred(CircuitBreakerOperator.of(breaker))
                .map(answer -> answer.status() == 410 ? Result.gone(answer.status()) : Result.delivered(answer.status()))
                .onErrorResume(CallNotPermittedException.class, open -> Mono.just(Result.deferred()))
                .onErrorResume(RejectedException.class, rejected -> Mono.just(Result.failed(rejected.answer.status(),
                        "answered " + rejected.answer.status(), rejected.answer.retryAfter())))
                .onErrorResume(e -> {
                    if (!expectedFailure(e)) {
                        // Not the network or the receiver: a defect of ours, worth its stack trace.
                        log.warn("Webhook {} to endpoint {} failed unexpectedly", entry.id(), target.id(), e);
                    }
                    return Mono.just(Result.failed(null, describe(e), null));
                })
                .flatMap(result -> result.kind() == Result.Kind.DEFERRED ? Mono.just(result)
                        : record(entry, type, target, result, (System.nanoTime() - started) / 1_000_000).thenReturn(result));
    }

    private Mono<Void> record(OutboxEntry entry, String type, Target target, Result result, long millis) {
        if (result.kind() == Result.Kind.FAILED) {
            log.info("Webhook {} to endpoint {} failed (attempt {}): {}", entry.id(), target.id(), entry.attempts(),
                    result.error());
        }
        Mono<Void> gone = result.kind() != Result.Kind.GONE ? Mono.empty()
                : db.sql("update app.webhook_endpoints set active = false, disabled_reason = 'the endpoint answered "
                        + "410 Gone', updated_at = now() where id = :id").bind("id", target.id()).then();
        return db.sql("insert into app.webhook_attempts (message_id, endpoint_id, event_type, attempt, succeeded, "
                        + "status_code, error, duration_ms) values (:message, :endpoint, :type, :attempt, :ok, :status, "
                        + ":error, :millis) on conflict do nothing")
                .bind("message", entry.id()).bind("endpoint", target.id()).bind("type", type)
                .bind("attempt", entry.attempts()).bind("ok", result.kind() == Result.Kind.DELIVERED)
                .bind("status", Parameter.fromOrEmpty(result.status(), Integer.class))
                .bind("error", Parameter.fromOrEmpty(result.error(), String.class))
                .bind("millis", (int) Math.min(millis, Integer.MAX_VALUE))
                .then().then(gone);
    }

    /** Delivered everywhere (or gone): done. Anything failed: retry, honouring the latest Retry-After. */
    private Outcome outcome(List<Result> results) {
        if (results.isEmpty()) {
            return Outcome.done();
        }
        List<Result> failed = results.stream().filter(r -> r.kind() == Result.Kind.FAILED).toList();
        if (!failed.isEmpty()) {
            Instant notBefore = failed.stream().map(Result::retryAfter).filter(java.util.Objects::nonNull)
                    .max(Instant::compareTo).orElse(null);
            String reason = failed.size() + " endpoint(s) failed, e.g. " + failed.get(0).error();
            return notBefore == null ? Outcome.retry(reason) : Outcome.retryNotBefore(notBefore, reason);
        }
        if (results.stream().anyMatch(r -> r.kind() == Result.Kind.DEFERRED)) {
            return Outcome.defer(clock.instant().plus(properties.breakerOpenFor()), "an endpoint's circuit breaker is open");
        }
        return Outcome.done();
    }

    /** One v1 signature per secret in use: after a rotation the previous secret signs too, until it expires. */
    private String signature(Target target, String messageId, long timestamp, String body) {
        return Stream.of(target.secret(), target.previousSecret()).filter(java.util.Objects::nonNull)
                .map(secret -> sign(crypto.decrypt(secret), messageId, timestamp, body))
                .collect(Collectors.joining(" "));
    }

    private static String sign(String secret, String messageId, long timestamp, String body) {
        try {
            return new Webhook(secret).sign(messageId, timestamp, body);
        } catch (Exception e) {
            throw new IllegalStateException("Could not sign a webhook: " + e.getClass().getSimpleName(), e);
        }
    }

    /** A failure of the network or of the receiver (timeouts, refused or reset connections), as opposed to ours. */
    private static boolean expectedFailure(Throwable e) {
        Throwable cause = rootCause(e);
        return cause instanceof java.io.IOException || cause instanceof java.util.concurrent.TimeoutException
                || cause instanceof io.netty.handler.timeout.TimeoutException;
    }

    private static String describe(Throwable e) {
        Throwable cause = rootCause(e);
        if (cause instanceof io.netty.handler.timeout.ReadTimeoutException
                || cause instanceof java.util.concurrent.TimeoutException) {
            return "timed out";
        }
        if (cause instanceof java.net.ConnectException || cause instanceof io.netty.channel.ConnectTimeoutException) {
            return "could not connect";
        }
        return cause.getClass().getSimpleName();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    record Target(UUID id, String url, byte[] secret, byte[] previousSecret) {}

    record Answer(int status, Instant retryAfter) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    static final class RejectedException extends RuntimeException {
        private final transient Answer answer;

        RejectedException(Answer answer) {
            super("answered " + answer.status(), null, false, false);
            this.answer = answer;
        }
    }

    record Result(Kind kind, Integer status, String error, Instant retryAfter) {
        enum Kind { DELIVERED, GONE, FAILED, DEFERRED }

        static Result delivered(int status) {
            return new Result(Kind.DELIVERED, status, null, null);
        }

        static Result gone(int status) {
            return new Result(Kind.GONE, status, "answered 410 Gone; endpoint disabled", null);
        }

        static Result failed(Integer status, String error, Instant retryAfter) {
            return new Result(Kind.FAILED, status, error, retryAfter);
        }

        static Result deferred() {
            return new Result(Kind.DEFERRED, null, null, null);
        }
    }
}

package com.patientcrm.feedback;

import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

/**
 * Ticket changes from every instance, as they commit: one connection per instance LISTENs on the tickets' channel
 * and fans the changes out to this instance's connected staff. A lost connection (a database restart) is made
 * again with backoff; changes committed while it was down are not replayed, so a console reloads its list when its
 * stream reconnects.
 */
@Component
class TicketStream implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TicketStream.class);

    private final ConnectionFactory connections;
    private final JsonMapper json;
    private final Sinks.Many<TicketChange> changes = Sinks.many().multicast().directBestEffort();
    private final Sinks.One<Boolean> listening = Sinks.one();
    private volatile Disposable subscription;

    TicketStream(ConnectionFactory pool, JsonMapper json) {
        // Its own connection, outside the pool: it is held for as long as the instance runs, and a LISTEN must not
        // outlive it on a connection someone else gets next.
        ConnectionFactory factory = pool;
        while (factory instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof ConnectionFactory inner) {
            factory = inner;
        }
        this.connections = factory;
        this.json = json;
    }

    /** Every change from now on. */
    Flux<TicketChange> changes() {
        return changes.asFlux();
    }

    /** Completes once the instance listens (tests wait for it before making changes they expect to see). */
    Mono<Boolean> ready() {
        return listening.asMono();
    }

    @Override
    public void start() {
        subscription = Flux.usingWhen(Mono.from(connections.create()), this::listen, Connection::close)
                .doOnError(e -> log.warn("Feedback stream lost its database connection ({}); reconnecting",
                        e.getClass().getSimpleName()))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5)))
                .subscribe(this::publish);
    }

    private Flux<String> listen(Connection connection) {
        PostgresqlConnection postgres = (PostgresqlConnection) connection;
        return postgres.createStatement("LISTEN " + Tickets.CHANNEL).execute()
                .flatMap(result -> result.getRowsUpdated())
                .then(Mono.fromRunnable(() -> listening.tryEmitValue(true)))
                .thenMany(postgres.getNotifications())
                .mapNotNull(notification -> notification.getParameter());
    }

    private void publish(String payload) {
        try {
            changes.tryEmitNext(json.readValue(payload, TicketChange.class));
        } catch (RuntimeException e) {
            log.warn("Ignored an unreadable ticket change ({})", e.getClass().getSimpleName());
        }
    }

    @Override
    public void stop() {
        Disposable running = subscription;
        if (running != null) {
            running.dispose();
        }
        changes.tryEmitComplete();
    }

    @Override
    public boolean isRunning() {
        Disposable running = subscription;
        return running != null && !running.isDisposed();
    }
}

package com.patientcrm.platform;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.Wrapped;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Gives every database round trip a deadline, so that a PostgreSQL that hangs (a frozen server or host, a network
 * that stops forwarding without closing anything) costs a request a bounded wait and a 503 instead of waiting for
 * ever. Nothing else notices such a server: its sockets stay open, so TCP keep-alive probes are answered by the
 * kernel; a server-side {@code statement_timeout} is enforced by the very process that is frozen; the pool's
 * acquire and create timeouts cover only getting a connection, not a statement on one.
 *
 * <p>It sits under the pool: each physical connection is wrapped, and a connection whose round trip missed its
 * deadline is closed at once and reports itself invalid, so the pool drops it when it is released instead of handing
 * it to the next request (after the server resumes it would first replay what was queued on it). Closing it also
 * lets the server end the transaction it held once it runs again. The LISTEN connection of the staff stream
 * unwraps this factory and is not limited: it waits for notifications by design.
 */
final class TimeLimitedConnectionFactory implements ConnectionFactory, Wrapped<ConnectionFactory> {

    private final ConnectionFactory delegate;
    private final Duration limit;
    private final Counter timeouts;

    TimeLimitedConnectionFactory(ConnectionFactory delegate, Duration limit) {
        this.delegate = delegate;
        this.limit = limit;
        this.timeouts = Counter.builder("crm.db.timeouts")
                .description("Database round trips that missed their deadline (crm.db.statement-timeout); each closes its connection")
                .register(Metrics.globalRegistry);
    }

    @Override
    public Mono<Connection> create() {
        return Mono.from(delegate.create()).map(connection -> new TimeLimitedConnection(connection, limit, timeouts));
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return delegate.getMetadata();
    }

    @Override
    public ConnectionFactory unwrap() {
        return delegate;
    }
}

package com.patientcrm.platform;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcTimeoutException;
import java.time.Duration;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * The pool, with its acquire time a bound on the whole acquisition. r2dbc-pool tries an acquisition again once when
 * it fails (meant for a pooled connection that failed its validation), a timed-out one included, so a request could
 * wait twice the acquire time for a connection, as it does while the database hangs and every new connection waits
 * for a server that does not answer. The pool itself is configured without an acquire time: this bound is the only one.
 */
final class BoundedAcquirePool extends ConnectionPool {

    /** Reactor's context key for elements an operator drops; r2dbc-pool closes connections dropped this way too. */
    private static final String ON_DROPPED = "reactor.onNextDropped.local";

    private final Mono<Connection> bounded;

    BoundedAcquirePool(ConnectionPoolConfiguration configuration, Duration maxAcquireTime) {
        super(configuration);
        String message = "No database connection within " + maxAcquireTime.toMillis() + " ms";
        // A connection acquired just as the bound passed is dropped by the timeout: give it back instead of losing it.
        Consumer<Object> giveBack = dropped -> {
            if (dropped instanceof Connection connection) {
                Mono.from(connection.close()).subscribe();
            }
        };
        // A failing fallback rather than Reactor's TimeoutException: see TimeLimitedConnection on the cost of the latter.
        this.bounded = super.create()
                .timeout(maxAcquireTime, Mono.error(() -> new R2dbcTimeoutException(message)))
                .contextWrite(context -> context.put(ON_DROPPED, giveBack));
    }

    @Override
    public Mono<Connection> create() {
        return bounded;
    }
}

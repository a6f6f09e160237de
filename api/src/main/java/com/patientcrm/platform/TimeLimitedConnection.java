package com.patientcrm.platform;

import io.micrometer.core.instrument.Counter;
import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One physical connection whose round trips must answer within the limit (see {@link TimeLimitedConnectionFactory}).
 * A statement must start answering within it: its first result, row or completion, not its whole result set, so a
 * caller that consumes rows slowly is not cut off. Transaction control and validation must complete within it.
 * The first missed deadline closes the connection; from then on it is invalid, refuses work at once, and a rollback
 * succeeds without a round trip (the server rolls back a transaction whose connection closed).
 */
final class TimeLimitedConnection implements Connection, Wrapped<Connection> {

    private static final Logger log = LoggerFactory.getLogger(TimeLimitedConnection.class);

    private final Connection delegate;
    private final Duration limit;
    private final Counter timeouts;
    private final AtomicBoolean broken = new AtomicBoolean();

    TimeLimitedConnection(Connection delegate, Duration limit, Counter timeouts) {
        this.delegate = delegate;
        this.limit = limit;
        this.timeouts = timeouts;
    }

    /*
     * The timeouts below end in a fallback that fails, not in Reactor's own TimeoutException: without a fallback,
     * Reactor names the timed operator chain (Scannable#name, a walk and string building) on every subscription, which
     * JFR put at about 1 % of the service's CPU under the load mix, for a message no one reads.
     */

    /** A round trip that must complete within the limit. */
    <T> Mono<T> within(Supplier<? extends Publisher<T>> work) {
        return Mono.defer(() -> broken.get() ? Mono.<T>error(closed()) : Mono.from(work.get()))
                .timeout(limit, Mono.error(this::expired));
    }

    /** A round trip whose first signal (item, completion or error) must come within the limit. */
    <T> Flux<T> answeringWithin(Supplier<? extends Publisher<T>> work) {
        return Flux.defer(() -> broken.get() ? Flux.<T>error(closed()) : Flux.from(work.get()))
                .timeout(Mono.delay(limit), item -> Mono.never(), Flux.error(this::expired));
    }

    private Throwable expired() {
        if (broken.compareAndSet(false, true)) {
            timeouts.increment();
            log.warn("The database did not answer within {} ms: closing the connection, the pool replaces it",
                    limit.toMillis());
            closeQuietly().subscribe();
        }
        return new R2dbcTimeoutException("The database did not answer within " + limit.toMillis() + " ms");
    }

    private static R2dbcNonTransientResourceException closed() {
        return new R2dbcNonTransientResourceException("Connection closed after the database missed a deadline");
    }

    private Mono<Void> closeQuietly() {
        return Mono.from(delegate.close()).timeout(limit).onErrorResume(e -> Mono.empty());
    }

    @Override
    public Statement createStatement(String sql) {
        return new TimeLimitedStatement(delegate.createStatement(sql), this);
    }

    @Override
    public Batch createBatch() {
        Batch batch = delegate.createBatch();
        return new Batch() {
            @Override
            public Batch add(String sql) {
                batch.add(sql);
                return this;
            }

            @Override
            public Publisher<TimeLimitedResult> execute() {
                return answeringWithin(() -> Flux.<io.r2dbc.spi.Result>from(batch.execute())).map(result -> new TimeLimitedResult(result, TimeLimitedConnection.this));
            }
        };
    }

    @Override
    public Publisher<Void> beginTransaction() {
        return within(delegate::beginTransaction);
    }

    @Override
    public Publisher<Void> beginTransaction(TransactionDefinition definition) {
        return within(() -> delegate.beginTransaction(definition));
    }

    @Override
    public Publisher<Void> commitTransaction() {
        return within(delegate::commitTransaction);
    }

    @Override
    public Publisher<Void> rollbackTransaction() {
        return broken.get() ? Mono.empty() : within(delegate::rollbackTransaction);
    }

    @Override
    public Publisher<Void> createSavepoint(String name) {
        return within(() -> delegate.createSavepoint(name));
    }

    @Override
    public Publisher<Void> releaseSavepoint(String name) {
        return within(() -> delegate.releaseSavepoint(name));
    }

    @Override
    public Publisher<Void> rollbackTransactionToSavepoint(String name) {
        return within(() -> delegate.rollbackTransactionToSavepoint(name));
    }

    @Override
    public Publisher<Void> setAutoCommit(boolean autoCommit) {
        return within(() -> delegate.setAutoCommit(autoCommit));
    }

    @Override
    public Publisher<Void> setLockWaitTimeout(Duration timeout) {
        return within(() -> delegate.setLockWaitTimeout(timeout));
    }

    @Override
    public Publisher<Void> setStatementTimeout(Duration timeout) {
        return within(() -> delegate.setStatementTimeout(timeout));
    }

    @Override
    public Publisher<Void> setTransactionIsolationLevel(IsolationLevel level) {
        return within(() -> delegate.setTransactionIsolationLevel(level));
    }

    /** Local: is it open and has it kept its deadlines. Remote (health checks): does the server answer in time. */
    @Override
    public Publisher<Boolean> validate(ValidationDepth depth) {
        if (broken.get()) {
            return Mono.just(false);
        }
        return depth == ValidationDepth.LOCAL ? delegate.validate(depth)
                : within(() -> delegate.validate(depth)).onErrorReturn(R2dbcTimeoutException.class, false);
    }

    @Override
    public Publisher<Void> close() {
        return closeQuietly();
    }

    @Override
    public boolean isAutoCommit() {
        return delegate.isAutoCommit();
    }

    @Override
    public ConnectionMetadata getMetadata() {
        return delegate.getMetadata();
    }

    @Override
    public IsolationLevel getTransactionIsolationLevel() {
        return delegate.getTransactionIsolationLevel();
    }

    @Override
    public Connection unwrap() {
        return delegate;
    }
}

package com.patientcrm.platform;

import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/** A statement of a {@link TimeLimitedConnection}: its execution must start answering within the connection's limit. */
final class TimeLimitedStatement implements Statement {

    private final Statement delegate;
    private final TimeLimitedConnection connection;

    TimeLimitedStatement(Statement delegate, TimeLimitedConnection connection) {
        this.delegate = delegate;
        this.connection = connection;
    }

    @Override
    public Statement add() {
        delegate.add();
        return this;
    }

    @Override
    public Statement bind(int index, Object value) {
        delegate.bind(index, value);
        return this;
    }

    @Override
    public Statement bind(String name, Object value) {
        delegate.bind(name, value);
        return this;
    }

    @Override
    public Statement bindNull(int index, Class<?> type) {
        delegate.bindNull(index, type);
        return this;
    }

    @Override
    public Statement bindNull(String name, Class<?> type) {
        delegate.bindNull(name, type);
        return this;
    }

    @Override
    public Statement returnGeneratedValues(String... columns) {
        delegate.returnGeneratedValues(columns);
        return this;
    }

    @Override
    public Statement fetchSize(int rows) {
        delegate.fetchSize(rows);
        return this;
    }

    @Override
    public Publisher<TimeLimitedResult> execute() {
        return connection.answeringWithin(() -> Flux.<Result>from(delegate.execute())).map(result -> new TimeLimitedResult(result, connection));
    }
}

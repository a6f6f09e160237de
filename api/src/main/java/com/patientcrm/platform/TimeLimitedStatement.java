package com.patientcrm.platform;

import io.r2dbc.spi.Parameter;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
        delegate.bind(index, inUtc(value));
        return this;
    }

    @Override
    public Statement bind(String name, Object value) {
        delegate.bind(name, inUtc(value));
        return this;
    }

    /**
     * Date-times go to the database in UTC, the same instant: ISO 8601 (and Java) allow offsets up to 18:00, PostgreSQL
     * only up to 15:59, and the driver sends the offset as given, so a request's {@code -18:00} was a 500.
     */
    static Object inUtc(Object value) {
        if (value instanceof OffsetDateTime at) {
            return at.withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (value instanceof Parameter parameter && parameter.getValue() instanceof OffsetDateTime at) {
            return Parameters.in(parameter.getType(), at.withOffsetSameInstant(ZoneOffset.UTC));
        }
        return value;
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

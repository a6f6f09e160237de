package com.patientcrm.platform;

import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.reactivestreams.Publisher;

/**
 * A result of a {@link TimeLimitedStatement}. The driver may hand a result over before the server has answered, so
 * its rows, segments or update count must also start coming within the connection's limit.
 */
final class TimeLimitedResult implements Result {

    private final Result delegate;
    private final TimeLimitedConnection connection;

    TimeLimitedResult(Result delegate, TimeLimitedConnection connection) {
        this.delegate = delegate;
        this.connection = connection;
    }

    @Override
    public Publisher<Long> getRowsUpdated() {
        return connection.answeringWithin(delegate::getRowsUpdated);
    }

    @Override
    public <T> Publisher<T> map(BiFunction<Row, RowMetadata, ? extends T> mapping) {
        return connection.answeringWithin(() -> delegate.map(mapping));
    }

    @Override
    public <T> Publisher<T> map(Function<? super Readable, ? extends T> mapping) {
        return connection.answeringWithin(() -> delegate.map(mapping));
    }

    @Override
    public Result filter(Predicate<Segment> filter) {
        return new TimeLimitedResult(delegate.filter(filter), connection);
    }

    @Override
    public <T> Publisher<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mapping) {
        return connection.answeringWithin(() -> delegate.<T>flatMap(mapping));
    }
}

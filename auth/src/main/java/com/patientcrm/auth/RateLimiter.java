package com.patientcrm.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Fixed-window counters in PostgreSQL, so that every instance behind the load balancer shares one budget.
 * One upsert per attempt; callers pass bucket names built from keyed hashes, never personal data.
 */
@Component
public class RateLimiter {

    private final DatabaseClient db;
    private final Clock clock;

    RateLimiter(DatabaseClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Counts one hit; errors with a 429 problem (and Retry-After) when the window's budget is spent. */
    public Mono<Void> hit(String bucket, AuthProperties.Limit limit) {
        Instant now = clock.instant();
        long windowMillis = limit.window().toMillis();
        Instant windowStart = Instant.ofEpochMilli(now.toEpochMilli() / windowMillis * windowMillis);
        return db.sql("insert into auth.rate_limit_windows (bucket, window_start, hits) values (:bucket, :start, 1) "
                        + "on conflict (bucket, window_start) do update set hits = auth.rate_limit_windows.hits + 1 "
                        + "returning hits")
                .bind("bucket", bucket)
                .bind("start", windowStart)
                .map(row -> row.get("hits", Integer.class))
                .one()
                .flatMap(hits -> hits <= limit.max() ? Mono.<Void>empty()
                        : Mono.error(AuthProblems.rateLimited(Duration.between(now, windowStart.plus(limit.window())))));
    }

    /**
     * Refuses (429) when the window's budget is already spent, without spending any of it. With {@link #hit} on
     * failure only, this limits guessing without letting anyone lock a user out by spending their budget.
     */
    public Mono<Void> ensureNotExhausted(String bucket, AuthProperties.Limit limit) {
        Instant now = clock.instant();
        long windowMillis = limit.window().toMillis();
        Instant windowStart = Instant.ofEpochMilli(now.toEpochMilli() / windowMillis * windowMillis);
        return db.sql("select hits from auth.rate_limit_windows where bucket = :bucket and window_start = :start")
                .bind("bucket", bucket)
                .bind("start", windowStart)
                .map(row -> row.get("hits", Integer.class))
                .one()
                .flatMap(hits -> hits < limit.max() ? Mono.<Void>empty()
                        : Mono.error(AuthProblems.rateLimited(Duration.between(now, windowStart.plus(limit.window())))));
    }

    /** Old windows are worthless once they have closed; keep the table small. */
    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
    Mono<Void> purgeClosedWindows() {
        return db.sql("delete from auth.rate_limit_windows where window_start < :cutoff")
                .bind("cutoff", clock.instant().minus(Duration.ofDays(1)))
                .then();
    }
}

package com.patientcrm.notifications;

import io.r2dbc.spi.Readable;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The in-app inbox: every notification delivered to a recipient, newest first, with read marks. Written once per
 * outbox message (a message attempted again never appears twice); paged by an opaque cursor over
 * (created_at, id), so a page boundary is stable however many messages arrive meanwhile.
 */
@Component
public class Inbox {

    private final DatabaseClient db;

    Inbox(DatabaseClient db) {
        this.db = db;
    }

    public record Item(UUID id, UUID patientId, String category, String title, String body, String deepLink,
                       OffsetDateTime createdAt, OffsetDateTime readAt) {}

    /** {@code nextCursor} is null on the last page. */
    public record Page(List<Item> items, String nextCursor, long unreadCount) {}

    /** A cursor that is not one of ours (tampered, truncated). */
    public static final class BadCursor extends RuntimeException {
        BadCursor() {
            super("invalid cursor", null, false, false);
        }
    }

    /** Answers whether the row was written now (false: the message was already in the inbox). */
    Mono<Boolean> deliver(UUID outboxId, UUID recipientId, UUID patientId, Category category, NoticeTexts.Text text,
                          String deepLink) {
        return db.sql("insert into notifications.inbox (id, outbox_id, recipient_id, patient_id, category, title, body, "
                        + "deep_link) values (:id, :outbox, :recipient, :patient, :category, :title, :body, :link) "
                        + "on conflict (outbox_id) do nothing")
                .bind("id", UUID.randomUUID()).bind("outbox", outboxId).bind("recipient", recipientId)
                .bind("patient", patientId).bind("category", category.code()).bind("title", text.title())
                .bind("body", text.body())
                .bind("link", org.springframework.r2dbc.core.Parameter.fromOrEmpty(deepLink, String.class))
                .fetch().rowsUpdated().map(n -> n > 0);
    }

    public Mono<Page> page(UUID recipientId, String cursor, int limit) {
        Optional<PageCursor> after;
        try {
            after = Optional.ofNullable(cursor).map(PageCursor::decode);
        } catch (RuntimeException e) {
            return Mono.error(new BadCursor());
        }
        String sql = SELECT + "where recipient_id = :recipient "
                + (after.isPresent() ? "and (created_at, id) < (:at, :after) " : "")
                + "order by created_at desc, id desc limit :limit";
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql).bind("recipient", recipientId).bind("limit", limit + 1);
        if (after.isPresent()) {
            spec = spec.bind("at", after.get().at().atOffset(ZoneOffset.UTC)).bind("after", after.get().id());
        }
        Mono<List<Item>> rows = spec.map(Inbox::item).all().collectList();
        Mono<Long> unread = db.sql("select count(*) as n from notifications.inbox where recipient_id = :recipient "
                        + "and read_at is null")
                .bind("recipient", recipientId).map(row -> row.get("n", Long.class)).one();
        return Mono.zip(rows, unread).map(both -> {
            List<Item> items = both.getT1();
            if (items.size() <= limit) {
                return new Page(items, null, both.getT2());
            }
            List<Item> shown = items.subList(0, limit);
            Item last = shown.get(limit - 1);
            return new Page(List.copyOf(shown), new PageCursor(last.createdAt().toInstant(), last.id()).encode(), both.getT2());
        });
    }

    /** Marks the item read (once: a second call keeps the first time); empty when it is not the recipient's. */
    public Mono<Item> markRead(UUID recipientId, UUID itemId) {
        return db.sql("update notifications.inbox set read_at = coalesce(read_at, now()) where id = :id "
                        + "and recipient_id = :recipient returning id, patient_id, category, title, body, deep_link, "
                        + "created_at, read_at")
                .bind("id", itemId).bind("recipient", recipientId).map(Inbox::item).one();
    }

    private static final String SELECT = "select id, patient_id, category, title, body, deep_link, created_at, read_at "
            + "from notifications.inbox ";

    private static Item item(Readable row) {
        return new Item(row.get("id", UUID.class), row.get("patient_id", UUID.class), row.get("category", String.class),
                row.get("title", String.class), row.get("body", String.class), row.get("deep_link", String.class),
                row.get("created_at", OffsetDateTime.class), row.get("read_at", OffsetDateTime.class));
    }
}

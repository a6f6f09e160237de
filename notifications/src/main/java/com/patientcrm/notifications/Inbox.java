package com.patientcrm.notifications;

import io.r2dbc.spi.Readable;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
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
public class Inbox implements org.springframework.beans.factory.DisposableBean {

    private final DatabaseClient db;
    private final Batcher<Row, Boolean> writes;

    Inbox(DatabaseClient db) {
        this.db = db;
        this.writes = Batcher.of("inbox.deliver", Boolean.FALSE, this::write);
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

    private record Row(UUID outboxId, UUID recipientId, UUID patientId, String category, String title, String body,
                       String deepLink) {}

    /** Answers whether the row was written now (false: the message was already in the inbox). */
    Mono<Boolean> deliver(UUID outboxId, UUID recipientId, UUID patientId, Category category, NoticeTexts.Text text,
                          String deepLink) {
        return writes.get(new Row(outboxId, recipientId, patientId, category.code(), text.title(), text.body(), deepLink));
    }

    /** One statement for every message delivered meanwhile; answers which rows are new. */
    private Mono<Map<Row, Boolean>> write(List<Row> rows) {
        List<Row> sorted = rows.stream().sorted(java.util.Comparator.comparing(Row::outboxId)).toList();
        return db.sql("insert into notifications.inbox (id, outbox_id, recipient_id, patient_id, category, title, body, "
                        + "deep_link) select * from unnest(cast(:id as uuid[]), cast(:outbox as uuid[]), "
                        + "cast(:recipient as uuid[]), cast(:patient as uuid[]), cast(:category as text[]), "
                        + "cast(:title as text[]), cast(:body as text[]), cast(:link as text[])) "
                        + "on conflict (outbox_id) do nothing returning outbox_id")
                .bind("id", sorted.stream().map(r -> UUID.randomUUID()).toArray(UUID[]::new))
                .bind("outbox", sorted.stream().map(Row::outboxId).toArray(UUID[]::new))
                .bind("recipient", sorted.stream().map(Row::recipientId).toArray(UUID[]::new))
                .bind("patient", sorted.stream().map(Row::patientId).toArray(UUID[]::new))
                .bind("category", sorted.stream().map(Row::category).toArray(String[]::new))
                .bind("title", sorted.stream().map(Row::title).toArray(String[]::new))
                .bind("body", sorted.stream().map(Row::body).toArray(String[]::new))
                .bind("link", sorted.stream().map(Row::deepLink).toArray(String[]::new))
                .map(row -> row.get("outbox_id", UUID.class)).all().collect(java.util.stream.Collectors.toSet())
                .map(written -> {
                    Map<Row, Boolean> answers = new java.util.HashMap<>();
                    rows.forEach(r -> answers.put(r, written.contains(r.outboxId())));
                    return answers;
                });
    }

    @Override
    public void destroy() {
        writes.dispose();
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

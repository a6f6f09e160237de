package com.patientcrm.notifications;

import com.patientcrm.notifications.NotificationHistory.ChannelAttempt;
import com.patientcrm.notifications.NotificationHistory.Item;
import com.patientcrm.notifications.NotificationHistory.Resend;
import com.patientcrm.notifications.NotificationHistory.Status;
import io.r2dbc.spi.Readable;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The SQL behind {@link NotificationHistory}: patients' messages of the notice sources' topics, with their details. */
@Component
class HistoryRows {

    /**
     * A pending message is {@code claimed} while a dispatcher's lease on its queue row runs, and due when its queue
     * row says (a retry's or a deferral's time).
     */
    private static final String CLAIMED = "(q.claim_token is not null and q.due_at > now())";
    private static final String SELECT = "select o.id, o.topic, o.patient_id, case when " + CLAIMED + " then 'claimed' "
            + "else o.status end as status, o.last_error, o.attempts, coalesce(case when q.claim_token is null then "
            + "q.due_at end, o.due_at) as due_at, o.created_at, o.updated_at from notifications.outbox o "
            + "left join notifications.outbox_queue q on q.id = o.id and o.status = 'pending' "
            + "where o.patient_id is not null and o.topic = any(:topics) ";

    private final DatabaseClient db;
    private final String[] topics;
    private final Map<String, String> categories;

    HistoryRows(DatabaseClient db, List<NoticeSource> sources) {
        this.db = db;
        this.topics = sources.stream().flatMap(s -> s.topics().stream()).distinct().sorted().toArray(String[]::new);
        this.categories = sources.stream().flatMap(source -> source.topics().stream()
                        .flatMap(topic -> source.category(topic).stream().map(c -> Map.entry(topic, c.code()))))
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private record Message(UUID id, String topic, UUID patientId, String status, String reason, int attempts,
                           OffsetDateTime dueAt, OffsetDateTime createdAt, OffsetDateTime updatedAt) {}

    Mono<List<Item>> find(UUID patientId, Status status, PageCursor after, int limit) {
        String sql = SELECT + (patientId == null ? "" : "and o.patient_id = :patient ")
                + (status == null ? "" : "and o.status = :status ")
                + (status == Status.SENDING ? "and " + CLAIMED + " " : status == Status.QUEUED ? "and not " + CLAIMED + " " : "")
                + (after == null ? "" : "and (o.created_at, o.id) < (:at, :after) ")
                + "order by o.created_at desc, o.id desc limit :limit";
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql).bind("topics", topics).bind("limit", limit);
        if (patientId != null) {
            spec = spec.bind("patient", patientId);
        }
        if (status != null) {
            spec = spec.bind("status", status == Status.SENDING ? "pending" : status.stored());
        }
        if (after != null) {
            spec = spec.bind("at", after.at().atOffset(ZoneOffset.UTC)).bind("after", after.id());
        }
        return spec.map(HistoryRows::message).all().collectList().flatMap(this::withDetails);
    }

    Mono<Item> one(UUID id) {
        return db.sql(SELECT + "and o.id = :id").bind("topics", topics).bind("id", id).map(HistoryRows::message).all()
                .collectList().flatMap(this::withDetails).flatMap(items -> Mono.justOrEmpty(items.stream().findFirst()));
    }

    /**
     * One statement, so the message and the record of its resend change together: the row lock makes a concurrent
     * resend wait and then find the message no longer dead. Answers the topic; empty when the message is not a dead
     * patient notification.
     */
    Mono<String> resend(UUID id, String resentBy) {
        return db.sql("with dead as (select id, last_error from notifications.outbox where id = :id and status = 'dead' "
                        + "and patient_id is not null and topic = any(:topics) for update), "
                        + "resent as (update notifications.outbox o set status = 'pending', due_at = now(), attempts = 0, "
                        + "last_error = null, updated_at = now() from dead where o.id = dead.id returning o.id, o.topic), "
                        + "queued as (insert into notifications.outbox_queue (id, topic, due_at) "
                        + "select id, topic, now() from resent on conflict (id) do update set due_at = now(), "
                        + "attempts = 0, claim_token = null), "
                        + "recorded as (insert into notifications.resends (outbox_id, resent_by, previous_error) "
                        + "select id, :by, last_error from dead returning outbox_id) "
                        + "select resent.topic from resent join recorded on recorded.outbox_id = resent.id")
                .bind("id", id).bind("topics", topics).bind("by", resentBy)
                .map(row -> row.get("topic", String.class)).one();
    }

    private Mono<List<Item>> withDetails(List<Message> messages) {
        if (messages.isEmpty()) {
            return Mono.just(List.of());
        }
        UUID[] ids = messages.stream().map(Message::id).toArray(UUID[]::new);
        // The target's kind only: a device id or the word 'openid' is stored, and neither leaves the database.
        Mono<Map<UUID, Collection<ChannelAttempt>>> attempts = db.sql("select outbox_id, channel, case when target = "
                        + "'openid' then 'openid' when target is not null then 'device' end as target, status, detail, "
                        + "attempted_at from notifications.deliveries where outbox_id = any(:ids) order by id")
                .bind("ids", ids)
                .map(row -> Map.entry(row.get("outbox_id", UUID.class), new ChannelAttempt(row.get("channel", String.class),
                        row.get("target", String.class), row.get("status", String.class), row.get("detail", String.class),
                        row.get("attempted_at", OffsetDateTime.class))))
                .all().collectMultimap(Map.Entry::getKey, Map.Entry::getValue);
        Mono<Map<UUID, Collection<Resend>>> resends = db.sql("select outbox_id, resent_by, resent_at, previous_error "
                        + "from notifications.resends where outbox_id = any(:ids) order by id")
                .bind("ids", ids)
                .map(row -> Map.entry(row.get("outbox_id", UUID.class), new Resend(row.get("resent_by", String.class),
                        row.get("resent_at", OffsetDateTime.class), row.get("previous_error", String.class))))
                .all().collectMultimap(Map.Entry::getKey, Map.Entry::getValue);
        return Mono.zip(attempts, resends).map(both -> messages.stream().map(m -> new Item(m.id(), m.topic(),
                categories.get(m.topic()), m.patientId(), Status.ofStored(m.status()).code(), m.reason(),
                "skipped".equals(m.status()) ? SkipReason.of(m.reason()).map(SkipReason::code).orElse(null) : null,
                m.attempts(),
                m.dueAt(), m.createdAt(), m.updatedAt(), List.copyOf(both.getT1().getOrDefault(m.id(), List.of())),
                List.copyOf(both.getT2().getOrDefault(m.id(), List.of())))).toList());
    }

    private static Message message(Readable row) {
        return new Message(row.get("id", UUID.class), row.get("topic", String.class), row.get("patient_id", UUID.class),
                row.get("status", String.class), row.get("last_error", String.class), row.get("attempts", Integer.class),
                row.get("due_at", OffsetDateTime.class), row.get("created_at", OffsetDateTime.class),
                row.get("updated_at", OffsetDateTime.class));
    }
}

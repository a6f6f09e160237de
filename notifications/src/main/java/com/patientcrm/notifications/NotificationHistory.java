package com.patientcrm.notifications;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Staff's view of the notifications sent to patients: each message with its status and every attempt on a channel,
 * and the resend of a dead letter. Patients' notifications are the messages of the topics a {@link NoticeSource}
 * composes, so the hospital's webhooks and the privacy jobs, which also sit in the outbox, never appear here and
 * can never be resent from here. Ids, statuses and reasons only: a payload can carry more (a cancellation's reason),
 * and the target of an attempt is its kind, never a device token or an openid.
 */
@Component
public class NotificationHistory {

    /**
     * A message's status as staff see it, from the outbox's: {@code queued} waits for its due time, whether new,
     * deferred (quiet hours, a channel's breaker open: {@code reason} says why) or waiting to retry after a failed
     * attempt ({@code attempts} > 0); {@code sending} is claimed by a dispatcher right now (a pending message whose
     * queue row is under a live lease: "claimed" is not stored on the outbox row).
     */
    public enum Status {
        QUEUED("queued", "pending"), SENDING("sending", "claimed"), SENT("sent", "done"), SKIPPED("skipped", "skipped"),
        CANCELLED("cancelled", "cancelled"), DEAD("dead", "dead");

        private final String code;
        private final String stored;

        Status(String code, String stored) {
            this.code = code;
            this.stored = stored;
        }

        public String code() {
            return code;
        }

        String stored() {
            return stored;
        }

        /** Unknown codes answer empty rather than throw: they come from clients and must become a 400, not a 500. */
        public static Optional<Status> parse(String code) {
            return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
        }

        static Status ofStored(String stored) {
            return Arrays.stream(values()).filter(s -> s.stored.equals(stored)).findFirst().orElseThrow();
        }
    }

    /**
     * One message to a patient. {@code category} is null for a topic whose source does not say; {@code reason} is
     * the latest failure, deferral or skip reason (on a sent message, the last failure before it went through);
     * {@code reasonCode} the stable {@link SkipReason} code of a skipped message, null otherwise.
     */
    public record Item(UUID id, String topic, String category, UUID patientId, String status, String reason,
                       String reasonCode, int attempts, OffsetDateTime dueAt, OffsetDateTime createdAt, OffsetDateTime updatedAt,
                       List<ChannelAttempt> deliveries, List<Resend> resends) {}

    /** One attempt on a channel; {@code target} is {@code device}, {@code openid} or null (the in-app inbox). */
    public record ChannelAttempt(String channel, String target, String status, String detail,
                                 OffsetDateTime attemptedAt) {}

    /** A staff member sent a dead letter again; {@code previousReason} is what it had died of. */
    public record Resend(String resentBy, OffsetDateTime resentAt, String previousReason) {}

    /** {@code nextCursor} is null on the last page. */
    public record Page(List<Item> items, String nextCursor) {}

    /** A cursor that is not one of ours (tampered, truncated). */
    public static final class BadCursor extends RuntimeException {
        BadCursor() {
            super("invalid cursor", null, false, false);
        }
    }

    /** Only a dead letter can be resent; {@code status} is what the message is instead. */
    public static final class NotResendable extends RuntimeException {
        private final Status status;

        NotResendable(Status status) {
            super("not resendable: " + status.code(), null, false, false);
            this.status = status;
        }

        public Status status() {
            return status;
        }
    }

    private final HistoryRows rows;
    private final MeterRegistry meters;

    NotificationHistory(HistoryRows rows, MeterRegistry meters) {
        this.rows = rows;
        this.meters = meters;
    }

    /** Newest first, for one patient, one status, or both (at least one of them is given). */
    public Mono<Page> page(UUID patientId, Status status, String cursor, int limit) {
        if (patientId == null && status == null) {
            return Mono.error(new IllegalArgumentException("a patient or a status is needed"));
        }
        Optional<PageCursor> after;
        try {
            after = Optional.ofNullable(cursor).map(PageCursor::decode);
        } catch (RuntimeException e) {
            return Mono.error(new BadCursor());
        }
        return rows.find(patientId, status, after.orElse(null), limit + 1).map(items -> {
            if (items.size() <= limit) {
                return new Page(items, null);
            }
            Item last = items.get(limit - 1);
            return new Page(List.copyOf(items.subList(0, limit)),
                    new PageCursor(last.createdAt().toInstant(), last.id()).encode());
        });
    }

    /**
     * Puts a dead letter back in the queue, due now, with all its attempts again, and records who did; the notifier
     * then decides afresh (a message whose appointment is gone is skipped). Answers the message as it is now; empty
     * for an unknown id; {@link NotResendable} when it is not dead (a concurrent resend included). The caller's
     * transaction, if any, holds the resend and its record together.
     */
    public Mono<Item> resend(UUID id, String resentBy) {
        return rows.resend(id, resentBy)
                .flatMap(topic -> {
                    meters.counter("notifications.resends", "topic", topic).increment();
                    return rows.one(id);
                })
                .switchIfEmpty(Mono.defer(() -> rows.one(id).flatMap(item -> Mono.error(
                        new NotResendable(Status.parse(item.status()).orElseThrow())))));
    }
}

package com.patientcrm.notifications;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Turns the outbox messages of every {@link NoticeSource} into notifications, deciding everything at send time:
 * <ol>
 *   <li>the source composes the notice now; a message that no longer applies (cancelled, started) is skipped, and
 *       so is one past its expiry: a reminder is dropped, never sent late;</li>
 *   <li>the recipient is whoever acts for the patient now; nobody (erased) means skipped;</li>
 *   <li>the in-app inbox gets it if {@link ContactPolicy} allows {@code in_app} (never held for quiet hours);</li>
 *   <li>then one push: each channel in turn (WeChat, then FCM) if the policy allows it; quiet hours defer the
 *       message (the inbox keeps what it has) unless the deferral would outlive the notice or the channel has no
 *       way to the patient at all; a channel that cannot carry it (no credit, no device, refused) passes to the
 *       next; a transient failure retries the message.</li>
 * </ol>
 * Every step is idempotent on the outbox message, so a retry or a crash never shows or sends anything twice.
 *
 * <p>Each message is decided on its own, but the database work of all the messages in flight is done together:
 * composing, finding recipients, reading preferences and deciding contact go through {@link Batcher}s (one statement
 * per batch, not per message), and so do the inbox and delivery writes.
 */
@Component
class Notifier implements OutboxHandler, DisposableBean {

    private final Map<String, NoticeSource> sources = new HashMap<>();
    private final List<PushChannel> channels;
    private final Recipients recipients;
    private final ContactPolicy policy;
    private final Preferences preferences;
    private final Inbox inbox;
    private final Deliveries deliveries;
    private final Clock clock;
    private final Batcher<OutboxEntry, Notice> notices;
    private final Batcher<UUID, Recipient> recipientOf;
    private final Batcher<UUID, ContactPreferences> settings;
    private final Batcher<ContactPolicy.Ask, Map<Channel, ContactDecision>> decisions;

    Notifier(List<NoticeSource> sources, WeChatPush wechat, AppPush app, Recipients recipients, ContactPolicy policy,
             Preferences preferences, Inbox inbox, Deliveries deliveries, Clock clock) {
        for (NoticeSource source : sources) {
            for (String topic : source.topics()) {
                if (this.sources.put(topic, source) != null) {
                    throw new IllegalStateException("Two notice sources for topic " + topic);
                }
            }
        }
        this.channels = List.of(wechat, app);
        this.recipients = recipients;
        this.policy = policy;
        this.preferences = preferences;
        this.inbox = inbox;
        this.deliveries = deliveries;
        this.clock = clock;
        this.notices = Batcher.of("notices", this::composeAll);
        this.recipientOf = Batcher.of("recipients", ids -> recipients.ofAll(ids));
        this.settings = Batcher.of("preferences", ids -> preferences.effectiveAll(ids));
        this.decisions = Batcher.of("contact-policy", asks -> policy.mayContactOnAll(asks, clock.instant()));
    }

    /** Each source composes its own messages of the batch in one go. */
    private Mono<Map<OutboxEntry, Notice>> composeAll(List<OutboxEntry> entries) {
        Map<NoticeSource, List<OutboxEntry>> bySource = new HashMap<>();
        entries.forEach(entry -> bySource.computeIfAbsent(sources.get(entry.topic()), s -> new ArrayList<>()).add(entry));
        return Flux.fromIterable(bySource.entrySet())
                .flatMap(group -> group.getKey().composeAll(group.getValue())
                        .flatMapIterable(byId -> group.getValue().stream().filter(e -> byId.containsKey(e.id()))
                                .map(e -> Map.entry(e, byId.get(e.id()))).toList()))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    @Override
    public void destroy() {
        notices.dispose();
        recipientOf.dispose();
        settings.dispose();
        decisions.dispose();
    }

    @Override
    public Set<String> topics() {
        return Set.copyOf(sources.keySet());
    }

    /** Notifications are many and each waits mostly on a provider: a lane of their own, sized for that. */
    @Override
    public String lane() {
        return "notifications";
    }

    @Override
    public Mono<Outcome> handle(OutboxEntry entry) {
        if (entry.patientId() == null) {
            return Mono.just(Outcome.skipped(SkipReason.NO_RECIPIENT.because("no patient on the message")));
        }
        Instant now = clock.instant();
        return notices.get(entry)
                .flatMap(notice -> notice.expiresAt() != null && !notice.expiresAt().isAfter(now)
                        ? Mono.just(Outcome.skipped(SkipReason.EXPIRED.because("expired before it could be sent")))
                        : recipientOf.get(entry.patientId())
                                .flatMap(recipient -> deliver(entry, notice, recipient))
                                .defaultIfEmpty(Outcome.skipped(SkipReason.NO_RECIPIENT.because("nobody receives this patient's messages"))))
                .defaultIfEmpty(Outcome.skipped(SkipReason.NOT_APPLICABLE.because("no longer applies")));
    }

    private Mono<Outcome> deliver(OutboxEntry entry, Notice notice, Recipient recipient) {
        return Mono.zip(settings.get(recipient.patientId()),
                        decisions.get(new ContactPolicy.Ask(entry.patientId(), notice.category())))
                .flatMap(both -> {
                    PushChannel.Delivery delivery = new PushChannel.Delivery(entry, recipient, notice, both.getT1().language());
                    Map<Channel, ContactDecision> decisions = both.getT2();
                    List<String> why = new ArrayList<>();
                    ContactDecision inbox = decisions.get(Channel.IN_APP);
                    if (inbox.verdict() == ContactDecision.Verdict.DENY) {
                        why.add(Channel.IN_APP.code() + ": " + inbox.reason());
                    }
                    return inApp(delivery, inbox).flatMap(shown -> push(delivery, decisions, 0, shown, why));
                });
    }

    /** Answers whether the notice is in the inbox (now or from an earlier attempt). */
    private Mono<Boolean> inApp(PushChannel.Delivery delivery, ContactDecision allowed) {
        OutboxEntry entry = delivery.entry();
        Notice notice = delivery.notice();
        return Mono.just(allowed).flatMap(decision -> {
            if (decision.verdict() == ContactDecision.Verdict.DENY) {
                return deliveries.record(entry.id(), Channel.IN_APP, null, "skipped", decision.reason(), null)
                        .thenReturn(false);
            }
            return inbox.deliver(entry.id(), delivery.recipient().patientId(), entry.patientId(), notice.category(),
                            NoticeTexts.full(notice, delivery.language()), notice.deepLink())
                    .flatMap(written -> written
                            ? deliveries.record(entry.id(), Channel.IN_APP, null, "sent", null, null).thenReturn(true)
                            : Mono.just(true));
        });
    }

    private Mono<Outcome> push(PushChannel.Delivery delivery, Map<Channel, ContactDecision> decisions, int index,
                               boolean shown, List<String> why) {
        if (index == channels.size()) {
            return Mono.just(shown ? Outcome.done() : Outcome.skipped(SkipReason.nothingDelivered(why)
                    .because("no channel may carry it: " + String.join("; ", why))));
        }
        PushChannel channel = channels.get(index);
        OutboxEntry entry = delivery.entry();
        Notice notice = delivery.notice();
        return Mono.just(decisions.get(channel.channel())).flatMap(decision -> {
            switch (decision.verdict()) {
                case DENY -> {
                    why.add(channel.channel().code() + ": " + decision.reason());
                    return push(delivery, decisions, index + 1, shown, why);
                }
                case DEFER -> {
                    return channel.canReach(delivery).flatMap(reachable -> {
                        if (!reachable) {
                            why.add(channel.channel().code() + ": no way to reach the patient");
                            return push(delivery, decisions, index + 1, shown, why);
                        }
                        if (notice.expiresAt() != null && !decision.notBefore().isBefore(notice.expiresAt())) {
                            return deliveries.record(entry.id(), channel.channel(), null, "skipped",
                                            "quiet hours last beyond the notice's expiry", null)
                                    .thenReturn(shown ? Outcome.done() : Outcome.skipped(SkipReason.QUIET_HOURS_EXPIRED.because("quiet hours outlast the notice")));
                        }
                        return Mono.just(Outcome.defer(decision.notBefore(), decision.reason()));
                    });
                }
                default -> {
                    return channel.push(delivery).flatMap(result -> switch (result.kind()) {
                        case SENT -> Mono.just(Outcome.done());
                        case UNAVAILABLE -> {
                            why.add(channel.channel().code() + ": " + result.reason());
                            yield push(delivery, decisions, index + 1, shown, why);
                        }
                        case HOLD -> Mono.just(Outcome.defer(result.retryAfter(), result.reason()));
                        case RETRY -> Mono.just(result.retryAfter() != null
                                ? Outcome.retryNotBefore(result.retryAfter(), result.reason())
                                : Outcome.retry(result.reason()));
                    });
                }
            }
        });
    }
}

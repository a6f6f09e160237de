package com.patientcrm.notifications;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * FCM pushes to every active device of the recipient. The payload is the category's generic title and body plus
 * the deep link: never what the message is about (FCM carries it abroad). A dead token is deactivated at once.
 * Devices the message already reached (before a crash) are not sent to again.
 */
@Component
class AppPush implements PushChannel {

    private final Devices devices;
    private final FcmSender sender;
    private final Deliveries deliveries;

    AppPush(Devices devices, FcmSender sender, Deliveries deliveries) {
        this.devices = devices;
        this.sender = sender;
        this.deliveries = deliveries;
    }

    @Override
    public Channel channel() {
        return Channel.APP_PUSH;
    }

    @Override
    public Mono<Boolean> canReach(Delivery delivery) {
        return devices.activeFor(delivery.recipient().patientId()).map(targets -> !targets.isEmpty());
    }

    @Override
    public Mono<Result> push(Delivery delivery) {
        OutboxEntry entry = delivery.entry();
        return Mono.zip(devices.activeFor(delivery.recipient().patientId()),
                        deliveries.reached(entry.id(), Channel.APP_PUSH))
                .flatMap(both -> {
                    List<Devices.Target> targets = both.getT1();
                    Set<String> reached = both.getT2();
                    if (!reached.isEmpty()) {
                        return Mono.just(Result.sent());
                    }
                    if (targets.isEmpty()) {
                        return Mono.just(Result.unavailable("no app device"));
                    }
                    NoticeTexts.Text text = NoticeTexts.generic(delivery.notice().category(), delivery.language());
                    Map<String, String> data = new LinkedHashMap<>();
                    data.put("category", delivery.notice().category().code());
                    data.put("messageId", entry.id().toString());
                    if (delivery.notice().deepLink() != null) {
                        data.put("deepLink", delivery.notice().deepLink());
                    }
                    return Flux.fromIterable(targets)
                            .concatMap(target -> sender.send(target.token(), text.title(), text.body(), data)
                                    .flatMap(outcome -> settle(entry, target, outcome)))
                            .collectList()
                            .map(AppPush::overall);
                });
    }

    private Mono<SendOutcome> settle(OutboxEntry entry, Devices.Target target, SendOutcome outcome) {
        String device = target.id().toString();
        return switch (outcome.kind()) {
            case SENT -> deliveries.record(entry.id(), Channel.APP_PUSH, device, outcome.logged() ? "logged" : "sent",
                    outcome.detail(), outcome.providerId()).then(devices.sent(target.id())).thenReturn(outcome);
            case INVALID_TARGET -> devices.deactivate(target.id(), outcome.detail())
                    .then(deliveries.record(entry.id(), Channel.APP_PUSH, device, "failed", outcome.detail(), null))
                    .thenReturn(outcome);
            case HELD -> Mono.just(outcome);
            case PERMANENT, TRANSIENT -> deliveries.record(entry.id(), Channel.APP_PUSH, device, "failed",
                    outcome.detail(), null).thenReturn(outcome);
        };
    }

    /**
     * Sent if any device got it; otherwise retry if any failure was transient, or hold while the breaker is open;
     * otherwise not this way.
     */
    private static Result overall(List<SendOutcome> outcomes) {
        if (outcomes.stream().anyMatch(o -> o.kind() == SendOutcome.Kind.SENT)) {
            return Result.sent();
        }
        return outcomes.stream().filter(o -> o.kind() == SendOutcome.Kind.TRANSIENT).findFirst()
                .map(o -> Result.retry(o.detail(), o.retryAfter()))
                .or(() -> outcomes.stream().filter(o -> o.kind() == SendOutcome.Kind.HELD).findFirst()
                        .map(o -> Result.hold(o.detail(), o.retryAfter())))
                .orElseGet(() -> Result.unavailable("no device accepted the push"));
    }
}

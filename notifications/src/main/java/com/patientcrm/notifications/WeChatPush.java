package com.patientcrm.notifications;

import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * WeChat subscribe messages. Needs the recipient's openid, a template configured for the notice, and one of the
 * recipient's credits for that template; lacking any of them, the notifier moves on to the next channel. A refusal
 * (43101) or a template error uses the credit up and moves on; a transient failure gives the credit back and asks
 * for a retry. A retry after a crash that followed a successful send finds the delivery and does not send again; a
 * retry after a crash between taking the credit and recording the send sends again with the same credit, and
 * WeChat's 43101 then means the lost attempt went through.
 */
@Component
class WeChatPush implements PushChannel {

    private static final String TARGET = "openid";
    /** WeChat's answer when the user has no subscription left for the template (refused, or already used). */
    private static final String USER_REFUSED = "43101";

    private final NotificationProperties properties;
    private final WeChatCredits credits;
    private final WeChatSender sender;
    private final Deliveries deliveries;

    WeChatPush(NotificationProperties properties, WeChatCredits credits, WeChatSender sender, Deliveries deliveries) {
        this.properties = properties;
        this.credits = credits;
        this.sender = sender;
        this.deliveries = deliveries;
    }

    @Override
    public Channel channel() {
        return Channel.WECHAT;
    }

    @Override
    public Mono<Boolean> canReach(Delivery delivery) {
        NotificationProperties.Template template = properties.wechat().templateFor(delivery.notice());
        if (delivery.recipient().wechatOpenId() == null || template == null || template.templateId() == null
                || template.templateId().isBlank()) {
            return Mono.just(false);
        }
        return credits.has(delivery.recipient().patientId(), template.templateId());
    }

    @Override
    public Mono<Result> push(Delivery delivery) {
        String openid = delivery.recipient().wechatOpenId();
        if (openid == null) {
            return Mono.just(Result.unavailable("no WeChat account"));
        }
        NotificationProperties.Template template = properties.wechat().templateFor(delivery.notice());
        if (template == null || template.templateId() == null || template.templateId().isBlank()) {
            return Mono.just(Result.unavailable("no WeChat template for " + delivery.notice().template()));
        }
        OutboxEntry entry = delivery.entry();
        return deliveries.reached(entry.id(), Channel.WECHAT).flatMap(reached -> {
            if (!reached.isEmpty()) {
                return Mono.just(Result.sent());
            }
            UUID recipient = delivery.recipient().patientId();
            // An attempt that died after taking its credit may have reached WeChat: send again with that same credit
            // and let WeChat's own count of the patient's subscription tell (below), rather than spend another one or
            // fall back to the app and push twice.
            return credits.heldWithoutOutcome(recipient, template.templateId(), entry.id())
                    .flatMap(credit -> send(delivery, openid, template, credit, true))
                    .switchIfEmpty(Mono.defer(() -> credits.take(recipient, template.templateId(), entry.id())
                            .flatMap(credit -> send(delivery, openid, template, credit, false))))
                    .switchIfEmpty(Mono.defer(() -> deliveries.record(entry.id(), Channel.WECHAT, TARGET, "skipped",
                                    "no subscription credit", null)
                            .thenReturn(Result.unavailable("no subscription credit"))));
        });
    }

    private Mono<Result> send(Delivery delivery, String openid, NotificationProperties.Template template, long credit,
                              boolean resumed) {
        Notice notice = delivery.notice();
        String page = template.page() == null || template.page().isBlank() ? notice.deepLink()
                : NoticeTexts.fill(template.page(), notice.fields());
        UUID outboxId = delivery.entry().id();
        return sender.send(openid, template.templateId(), page, WeChatFields.fill(template, notice), delivery.language())
                .flatMap(outcome -> switch (outcome.kind()) {
                    case SENT -> deliveries.record(outboxId, Channel.WECHAT, TARGET, outcome.logged() ? "logged" : "sent",
                            outcome.detail(), outcome.providerId()).thenReturn(Result.sent());
                    // 43101 to a resumed attempt: WeChat has no subscription left for it, because the attempt that
                    // died used it. The patient got the message; do not push it again on another channel.
                    case PERMANENT -> resumed && outcome.detail() != null && outcome.detail().contains(USER_REFUSED)
                            ? deliveries.record(outboxId, Channel.WECHAT, TARGET, "sent", "presumed delivered by the "
                                    + "interrupted attempt that used the subscription (" + outcome.detail() + ")", null)
                                    .thenReturn(Result.sent())
                            : deliveries.record(outboxId, Channel.WECHAT, TARGET, "failed", outcome.detail(), null)
                                    .thenReturn(Result.unavailable(outcome.detail()));
                    case INVALID_TARGET -> deliveries.record(outboxId, Channel.WECHAT, TARGET, "failed",
                            outcome.detail(), null).thenReturn(Result.unavailable(outcome.detail()));
                    case HELD -> credits.giveBack(credit).thenReturn(Result.hold(outcome.detail(), outcome.retryAfter()));
                    case TRANSIENT -> credits.giveBack(credit)
                            .then(deliveries.record(outboxId, Channel.WECHAT, TARGET, "failed", outcome.detail(), null))
                            .thenReturn(Result.retry(outcome.detail(), outcome.retryAfter()));
                });
    }

}

package com.patientcrm.notifications;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Stand-ins for WeChat and FCM when their credentials are not configured (the default run): they log that a
 * message would have gone, naming the template or platform but no person, token or openid, and report it as
 * logged so the rest of the pipeline (credits, inbox, delivery records) behaves as in production.
 */
final class LoggingSenders {

    private static final Logger log = LoggerFactory.getLogger(LoggingSenders.class);

    private LoggingSenders() {}

    static WeChatSender wechat() {
        return (openid, templateId, page, data, language) -> Mono.fromSupplier(() -> {
            log.info("WeChat not configured: subscribe message with template {} logged, not sent", templateId);
            return SendOutcome.loggedOnly();
        });
    }

    static FcmSender fcm() {
        return (token, title, body, data) -> Mono.fromSupplier(() -> {
            log.info("FCM not configured: push '{}' logged, not sent", data.getOrDefault("category", "?"));
            return SendOutcome.loggedOnly();
        });
    }
}

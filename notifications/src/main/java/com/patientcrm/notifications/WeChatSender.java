package com.patientcrm.notifications;

import java.util.Map;
import reactor.core.publisher.Mono;

/** Sends one subscribe message; never blocks the caller's thread and never throws (failures are outcomes). */
interface WeChatSender {

    Mono<SendOutcome> send(String openid, String templateId, String page, Map<String, String> data, String language);
}

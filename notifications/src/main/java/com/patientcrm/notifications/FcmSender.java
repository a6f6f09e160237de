package com.patientcrm.notifications;

import java.util.Map;
import reactor.core.publisher.Mono;

/** Sends one push to one FCM registration token; never blocks the caller's thread and never throws. */
interface FcmSender {

    Mono<SendOutcome> send(String token, String title, String body, Map<String, String> data);
}

package com.patientcrm.auth;

import reactor.core.publisher.Mono;

/** Sends one-time codes by SMS. Provide a bean of this type to use a real SMS provider. */
public interface SmsSender {

    /** Sends {@code code} to {@code phone} (canonical E.164). Must not log the phone or the code. */
    Mono<Void> sendOneTimeCode(String phone, String code);
}

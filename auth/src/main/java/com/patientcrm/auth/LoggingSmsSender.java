package com.patientcrm.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The default sender when no SMS provider is configured: it only logs that a code went out. With the dev-only
 * switch {@code OTP_DEV_LOG_CODES=true} it also logs the code (never the phone), so a developer can sign in.
 */
class LoggingSmsSender implements SmsSender {

    private static final Logger log = LoggerFactory.getLogger(LoggingSmsSender.class);

    private final boolean logCodes;

    LoggingSmsSender(boolean logCodes) {
        this.logCodes = logCodes;
        if (logCodes) {
            log.warn("OTP_DEV_LOG_CODES is on: one-time codes are written to the log. Never enable this in production.");
        }
    }

    @Override
    public Mono<Void> sendOneTimeCode(String phone, String code) {
        if (logCodes) {
            log.info("One-time code: {} (OTP_DEV_LOG_CODES is on; dev only)", code);
        } else {
            log.info("One-time code sent (no SMS provider configured; set OTP_DEV_LOG_CODES=true in development to see it)");
        }
        return Mono.empty();
    }
}

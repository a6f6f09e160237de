package com.patientcrm.support;

import com.patientcrm.auth.SmsSender;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/** Stands in for the SMS provider: remembers the last code sent to each phone so tests can sign in. */
public class CapturingSmsSender implements SmsSender {

    private final Map<String, String> lastCodes = new ConcurrentHashMap<>();

    @Override
    public Mono<Void> sendOneTimeCode(String phone, String code) {
        lastCodes.put(phone, code);
        return Mono.empty();
    }

    /** The last code sent to the phone, given in canonical E.164 form. */
    public String lastCodeFor(String canonicalPhone) {
        return lastCodes.get(canonicalPhone);
    }
}

package com.patientcrm.auth;

import java.util.Locale;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Built-in staff sign-in, limited per client IP and per username against password guessing. */
@Service
class StaffSignIn {

    private final StaffAccounts accounts;
    private final Sessions sessions;
    private final RateLimiter limiter;
    private final FieldCrypto crypto;
    private final AuthProperties properties;

    StaffSignIn(StaffAccounts accounts, Sessions sessions, RateLimiter limiter, FieldCrypto crypto,
                AuthProperties properties) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.limiter = limiter;
        this.crypto = crypto;
        this.properties = properties;
    }

    Mono<TokenResponse> signIn(String username, String password, String clientIp) {
        String user = username.toLowerCase(Locale.ROOT);
        // Per username only failures count, so that nobody can lock a colleague out by spending their budget.
        String userBucket = "staff:user:" + crypto.hashText(user);
        AuthProperties.Limit userLimit = properties.rateLimits().staffPerUsername();
        return limiter.hit("login:ip:" + crypto.hashText(clientIp), properties.rateLimits().loginPerIp())
                .then(limiter.ensureNotExhausted(userBucket, userLimit))
                .then(accounts.authenticate(user, password))
                .switchIfEmpty(Mono.defer(() -> limiter.hit(userBucket, userLimit)
                        .then(Mono.error(AuthProblems::invalidCredentials))))
                .flatMap(sessions::startStaff);
    }
}

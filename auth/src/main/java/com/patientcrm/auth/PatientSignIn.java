package com.patientcrm.auth;

import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** The patient sign-in flows: WeChat code, phone one-time code, and binding a WeChat-verified phone. */
@Service
class PatientSignIn {

    private final WeChatGateway weChat;
    private final OneTimeCodes codes;
    private final PatientAccounts accounts;
    private final Sessions sessions;
    private final RateLimiter limiter;
    private final FieldCrypto crypto;
    private final AuthProperties properties;

    PatientSignIn(WeChatGateway weChat, OneTimeCodes codes, PatientAccounts accounts, Sessions sessions,
                  RateLimiter limiter, FieldCrypto crypto, AuthProperties properties) {
        this.weChat = weChat;
        this.codes = codes;
        this.accounts = accounts;
        this.sessions = sessions;
        this.limiter = limiter;
        this.crypto = crypto;
        this.properties = properties;
    }

    Mono<TokenResponse> withWeChat(String code, String clientIp) {
        return limiter.hit("login:ip:" + crypto.hashText(clientIp), properties.rateLimits().loginPerIp())
                .then(weChat.exchangeLoginCode(code))
                .flatMap(user -> accounts.signInWithWeChat(user.appid(), user.openid(), user.unionid()))
                .flatMap(sessions::startPatient);
    }

    Mono<AuthRequests.OtpSent> sendCode(String rawPhone, String clientIp) {
        String phone = PhoneNumbers.normalize(rawPhone);
        if (phone == null) {
            return Mono.error(AuthProblems.invalidPhone());
        }
        String phoneKey = crypto.hashText(phone);
        AuthProperties.Otp otp = properties.otp();
        return limiter.hit("otp:ip:" + crypto.hashText(clientIp), properties.rateLimits().otpPerIp())
                .then(limiter.hit("otp:resend:" + phoneKey, new AuthProperties.Limit(1, otp.resendInterval())))
                .then(limiter.hit("otp:phone:" + phoneKey, properties.rateLimits().otpPerPhone()))
                .then(codes.send(phone))
                .thenReturn(new AuthRequests.OtpSent(otp.ttl().toSeconds(), otp.resendInterval().toSeconds()));
    }

    Mono<TokenResponse> withCode(String rawPhone, String code, String clientIp) {
        String phone = PhoneNumbers.normalize(rawPhone);
        if (phone == null) {
            return Mono.error(AuthProblems.invalidPhone());
        }
        return limiter.hit("otp-verify:ip:" + crypto.hashText(clientIp), properties.rateLimits().verifyPerIp())
                .then(codes.verify(phone, code))
                .then(Mono.defer(() -> accounts.signInWithPhone(phone)))
                .flatMap(sessions::startPatient);
    }

    Mono<TokenResponse> bindWeChatPhone(UUID accountId, String code) {
        return weChat.exchangePhoneCode(code)
                .flatMap(phone -> accounts.bindVerifiedPhone(accountId, phone))
                .flatMap(sessions::startPatient);
    }
}

package com.patientcrm.auth;

import jakarta.validation.Valid;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Sign-in, refresh and sign-out for patients and built-in staff accounts. */
@RestController
class AuthController {

    private final PatientSignIn patients;
    private final StaffSignIn staff;
    private final Sessions sessions;

    AuthController(PatientSignIn patients, StaffSignIn staff, Sessions sessions) {
        this.patients = patients;
        this.staff = staff;
        this.sessions = sessions;
    }

    @PostMapping("/api/v1/auth/wechat")
    Mono<ResponseEntity<TokenResponse>> weChat(@Valid @RequestBody AuthRequests.WeChatCode body, ServerWebExchange exchange) {
        return patients.withWeChat(body.code(), ClientAddress.of(exchange)).map(AuthController::noStore);
    }

    @PostMapping("/api/v1/auth/otp")
    Mono<ResponseEntity<AuthRequests.OtpSent>> sendCode(@Valid @RequestBody AuthRequests.OtpRequest body,
                                                        ServerWebExchange exchange) {
        return patients.sendCode(body.phone(), ClientAddress.of(exchange))
                .map(sent -> ResponseEntity.status(HttpStatus.ACCEPTED).body(sent));
    }

    @PostMapping("/api/v1/auth/otp/verify")
    Mono<ResponseEntity<TokenResponse>> verifyCode(@Valid @RequestBody AuthRequests.OtpVerification body,
                                                   ServerWebExchange exchange) {
        return patients.withCode(body.phone(), body.code(), ClientAddress.of(exchange)).map(AuthController::noStore);
    }

    @PostMapping("/api/v1/auth/staff")
    Mono<ResponseEntity<TokenResponse>> staff(@Valid @RequestBody AuthRequests.StaffLogin body, ServerWebExchange exchange) {
        return staff.signIn(body.username(), body.password(), ClientAddress.of(exchange)).map(AuthController::noStore);
    }

    @PostMapping("/api/v1/auth/refresh")
    Mono<ResponseEntity<TokenResponse>> refresh(@Valid @RequestBody AuthRequests.RefreshRequest body) {
        return sessions.refresh(body.refreshToken()).map(AuthController::noStore);
    }

    @PostMapping("/api/v1/auth/logout")
    Mono<ResponseEntity<Void>> logout(@Valid @RequestBody AuthRequests.RefreshRequest body) {
        return sessions.logout(body.refreshToken()).thenReturn(ResponseEntity.noContent().build());
    }

    /** The mini-program's phone-number button: binds the WeChat-verified phone; answers fresh tokens. */
    @PostMapping("/api/v1/me/phone/wechat")
    Mono<ResponseEntity<TokenResponse>> bindPhone(@AuthenticationPrincipal Jwt jwt,
                                                  @Valid @RequestBody AuthRequests.WeChatCode body) {
        return patients.bindWeChatPhone(UUID.fromString(jwt.getSubject()), body.code()).map(AuthController::noStore);
    }

    private static <T> ResponseEntity<T> noStore(T body) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
    }
}

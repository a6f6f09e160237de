package com.patientcrm.inbox;

import com.patientcrm.notifications.WeChatInbound;
import com.patientcrm.platform.Problems;
import jakarta.validation.constraints.Size;
import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * WeChat's message push URL (set in the mini-program console). WeChat calls it without a bearer token: the
 * signature in the query is the authentication, checked by {@link WeChatInbound}. Answers are plain text, as WeChat
 * expects; refusals are problems like everywhere else (WeChat only looks at the status).
 */
@RestController
class WeChatPushController {

    /** A customer-service message is a few hundred bytes; 64 KiB leaves room and caps what a push may cost us. */
    static final int MAX_BODY = 64 * 1024;
    private static final String PATH = "/wechat/v1/messages";

    private final WeChatInbound inbound;

    WeChatPushController(WeChatInbound inbound) {
        this.inbound = inbound;
    }

    @GetMapping(PATH)
    Mono<ResponseEntity<String>> verify(@RequestParam String signature, @RequestParam String timestamp,
                                        @RequestParam String nonce, @RequestParam @Size(max = 256) String echostr) {
        return inbound.verifyUrl(new WeChatInbound.Push(signature, timestamp, nonce, null, null), echostr)
                .onErrorMap(WeChatInbound.Rejected.class, WeChatPushController::problem)
                .map(WeChatPushController::text);
    }

    @PostMapping(PATH)
    Mono<ResponseEntity<String>> receive(@RequestParam String signature, @RequestParam String timestamp,
                                         @RequestParam String nonce,
                                         @RequestParam(name = "encrypt_type", required = false) String encryptType,
                                         @RequestParam(name = "msg_signature", required = false) String msgSignature,
                                         ServerHttpRequest request) {
        return inbound.receive(new WeChatInbound.Push(signature, timestamp, nonce, encryptType, msgSignature), body(request))
                .onErrorMap(WeChatInbound.Rejected.class, WeChatPushController::problem)
                .then(Mono.fromSupplier(() -> text("success")));
    }

    private static Mono<String> body(ServerHttpRequest request) {
        return DataBufferUtils.join(request.getBody(), MAX_BODY)
                .map(buffer -> {
                    try {
                        return buffer.toString(StandardCharsets.UTF_8);
                    } finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .onErrorMap(DataBufferLimitException.class, e -> Problems.of(HttpStatus.PAYLOAD_TOO_LARGE,
                        "payload-too-large", "Payload too large", "A WeChat push body is at most 64 KiB."));
    }

    private static ResponseEntity<String> text(String body) {
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(body);
    }

    private static ErrorResponseException problem(WeChatInbound.Rejected rejected) {
        return switch (rejected.reason()) {
            case UNAVAILABLE -> Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "wechat-unavailable",
                    "WeChat is not available", "WeChat message push is not configured on this server.");
            case FORGED -> Problems.of(HttpStatus.UNAUTHORIZED, "wechat-signature-invalid", "Invalid signature",
                    "The request is not signed with this server's WeChat message push Token.");
            case STALE -> Problems.invalidField("timestamp", "must be Unix seconds within 5 minutes of the server's clock");
            case MALFORMED -> Problems.of(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request",
                    "The body is not a WeChat message in the configured format.");
        };
    }
}

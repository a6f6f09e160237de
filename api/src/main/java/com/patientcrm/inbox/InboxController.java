package com.patientcrm.inbox;

import com.patientcrm.notifications.Devices;
import com.patientcrm.notifications.Inbox;
import com.patientcrm.notifications.WeChatCredits;
import com.patientcrm.patients.Patients;
import com.patientcrm.platform.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The inbox, devices and WeChat subscriptions of the signed-in account. */
@RestController
class InboxController {

    private final Patients patients;
    private final Inbox inbox;
    private final Devices devices;
    private final WeChatCredits credits;

    InboxController(Patients patients, Inbox inbox, Devices devices, WeChatCredits credits) {
        this.patients = patients;
        this.inbox = inbox;
        this.devices = devices;
        this.credits = credits;
    }

    record NewDevice(@NotBlank @Size(max = 4096) String token, @NotNull @Pattern(regexp = "android|ios|web") String platform,
                     @Size(max = 64) String appVersion) {}

    record SubscriptionResults(@NotEmpty @Size(max = 20) Map<
            @Pattern(regexp = "[A-Za-z0-9_-]{1,128}") String,
            @NotNull @Pattern(regexp = "accept|reject|ban|filter") String> results) {}

    record Subscriptions(long recorded, Map<String, Long> balance) {}

    @GetMapping("/api/v1/me/notifications")
    Mono<ResponseEntity<Inbox.Page>> notifications(@AuthenticationPrincipal Jwt jwt,
                                                    @RequestParam(required = false) @Size(max = 200) String cursor,
                                                    @RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit) {
        return self(jwt).flatMap(me -> inbox.page(me, cursor, limit))
                .onErrorMap(Inbox.BadCursor.class, e -> Problems.invalidField("cursor", "is not a cursor this API gave out"))
                .map(page -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(page));
    }

    @PostMapping("/api/v1/me/notifications/{id}/read")
    Mono<ResponseEntity<Inbox.Item>> read(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return self(jwt).flatMap(me -> inbox.markRead(me, id))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("notification")))
                .map(item -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(item));
    }

    @GetMapping("/api/v1/me/devices")
    Mono<List<Devices.Device>> devices(@AuthenticationPrincipal Jwt jwt) {
        return self(jwt).flatMapMany(devices::list).collectList();
    }

    @PostMapping("/api/v1/me/devices")
    Mono<ResponseEntity<Devices.Device>> register(@AuthenticationPrincipal Jwt jwt, @Valid @RequestBody NewDevice body) {
        return self(jwt).flatMap(me -> devices.register(me, body.token(), body.platform(), body.appVersion()))
                .map(device -> ResponseEntity.created(URI.create("/api/v1/me/devices/" + device.id())).body(device));
    }

    @DeleteMapping("/api/v1/me/devices/{id}")
    Mono<ResponseEntity<Void>> remove(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return self(jwt).flatMap(me -> devices.remove(me, id))
                .flatMap(removed -> removed ? Mono.just(ResponseEntity.noContent().<Void>build())
                        : Mono.error(Problems.notFound("device")));
    }

    @GetMapping("/api/v1/me/wechat-subscriptions")
    Mono<Subscriptions> subscriptions(@AuthenticationPrincipal Jwt jwt) {
        return self(jwt).flatMap(credits::balance).map(balance -> new Subscriptions(0, balance));
    }

    @PostMapping("/api/v1/me/wechat-subscriptions")
    Mono<ResponseEntity<Subscriptions>> subscribe(@AuthenticationPrincipal Jwt jwt,
                                                  @Valid @RequestBody SubscriptionResults body) {
        return self(jwt).flatMap(me -> credits.record(me, body.results())
                        .flatMap(recorded -> credits.balance(me).map(balance -> new Subscriptions(recorded, balance))))
                .map(result -> ResponseEntity.status(HttpStatus.OK).body(result));
    }

    private Mono<UUID> self(Jwt jwt) {
        return patients.selfId(UUID.fromString(jwt.getSubject()));
    }
}

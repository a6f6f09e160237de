package com.patientcrm.notifications;

import cn.binarywang.wx.miniapp.api.WxMaService;
import cn.binarywang.wx.miniapp.api.impl.WxMaServiceImpl;
import cn.binarywang.wx.miniapp.bean.WxMaSubscribeMessage;
import cn.binarywang.wx.miniapp.config.impl.WxMaDefaultConfigImpl;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import me.chanjar.weixin.common.error.WxErrorException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Subscribe messages through WxJava. WxJava blocks (Apache HttpClient), so each call runs with a timeout on threads of
 * its own, as many as its HTTP client has connections (a hanging WeChat cannot take the threads other blocking work
 * needs, and sends are not capped at boundedElastic's ten threads a core); its own sleeping retry loop is off
 * (retries are the dispatcher's). A circuit breaker opens on transport
 * failures and WeChat-side errors (busy, quota, token), never on a per-user answer such as 43101, and while it is
 * open messages are held without spending attempts.
 */
final class WxJavaWeChatSender implements WeChatSender, AutoCloseable {

    /** Errors about this one message or user: another try cannot help. */
    private static final Set<Integer> PERMANENT = Set.of(43101, 47003, 40003, 40037, 41030, 43107, 47001);
    private static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");

    private final WxMaService wx;
    private final String state;
    private final Duration timeout;
    private final ProviderGuard guard;
    private final Clock clock;
    private final WeChatHttpClient http;
    private final Scheduler calls;

    WxJavaWeChatSender(NotificationProperties.WeChat settings, ProviderGuard guard, Clock clock) {
        WxMaDefaultConfigImpl config = new WxMaDefaultConfigImpl();
        config.setAppid(settings.appid());
        config.setSecret(settings.secret());
        config.setApiHostUrl(settings.apiBaseUrl());
        // The stable token is shared with sign-in's client (and other instances) instead of invalidating theirs.
        config.useStableAccessToken(true);
        // Our own client (see WeChatHttpClient): WxJava's default one is shared by the JVM, sized before we can size
        // it, and trusts any certificate. Every outbound call has its connect and read timeouts.
        this.http = new WeChatHttpClient(settings.maxConnections(), settings.timeout());
        config.setApacheHttpClientBuilder(http);
        this.calls = Schedulers.newBoundedElastic(settings.maxConnections(), 100_000, "wechat-send", 60, true);
        WxMaServiceImpl service = new WxMaServiceImpl();
        service.setWxMaConfig(config);
        // The service reads its own retry fields, not the config's.
        service.setMaxRetryTimes(0);
        service.setRetrySleepMillis(0);
        this.wx = service;
        this.state = settings.miniprogramState();
        this.timeout = settings.timeout();
        this.guard = guard;
        this.clock = clock;
    }

    @Override
    public Mono<SendOutcome> send(String openid, String templateId, String page, Map<String, String> data, String language) {
        WxMaSubscribeMessage message = WxMaSubscribeMessage.builder()
                .toUser(openid).templateId(templateId).page(page).miniprogramState(state)
                .lang("en".equals(language) ? "en_US" : "zh_CN")
                .data(data.entrySet().stream().map(e -> new WxMaSubscribeMessage.MsgData(e.getKey(), e.getValue())).toList())
                .build();
        AtomicBoolean abandoned = new AtomicBoolean();
        return Mono.fromCallable(() -> {
                    try {
                        wx.getSubscribeService().sendSubscribeMsg(message);
                        return SendOutcome.sent(null);
                    } catch (RuntimeException | WxErrorException e) {
                        // Timed out and interrupted: the outcome is already "did not answer in time", and an error
                        // nobody listens to any more would only be logged by Reactor as a dropped error.
                        if (abandoned.get()) {
                            return null;
                        }
                        throw e;
                    }
                })
                .subscribeOn(calls)
                .doOnCancel(() -> abandoned.set(true))
                .timeout(timeout.plusSeconds(1))
                .transform(guard::protect)
                .onErrorResume(e -> Mono.just(classify(e)));
    }

    /** Stops the send threads and closes the connections when the application stops. */
    @Override
    public void close() throws java.io.IOException {
        calls.dispose();
        http.build().close();
    }

    private SendOutcome classify(Throwable e) {
        SendOutcome refused = guard.refused(e);
        if (refused != null) {
            return refused;
        }
        if (e instanceof WxErrorException error) {
            int code = error.getError().getErrorCode();
            if (PERMANENT.contains(code)) {
                return SendOutcome.permanent("WeChat errcode " + code);
            }
            if (code == 45009) {
                // The daily quota: it resets at midnight in Beijing.
                return SendOutcome.transientFailure("WeChat errcode 45009 (daily quota)",
                        LocalDate.now(clock.withZone(BEIJING)).plusDays(1).atTime(0, 5).atZone(BEIJING).toInstant());
            }
            return SendOutcome.transientFailure("WeChat errcode " + code, null);
        }
        if (e instanceof TimeoutException) {
            return SendOutcome.transientFailure("WeChat did not answer in time", null);
        }
        // The class names only (a message may quote the request): WxJava wraps every transport error in one type.
        Throwable cause = e.getCause();
        return SendOutcome.transientFailure("WeChat call failed: " + e.getClass().getSimpleName()
                + (cause == null || cause == e ? "" : " (" + cause.getClass().getSimpleName() + ")"), null);
    }

    /** Whether a failure says WeChat (or the way to it) is in trouble, which is what the breaker counts. */
    static boolean troubled(Throwable e) {
        if (e instanceof WxErrorException error) {
            return !PERMANENT.contains(error.getError().getErrorCode());
        }
        return true;
    }
}

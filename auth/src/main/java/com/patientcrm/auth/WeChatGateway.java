package com.patientcrm.auth;

import cn.binarywang.wx.miniapp.api.WxMaService;
import cn.binarywang.wx.miniapp.api.impl.WxMaServiceImpl;
import cn.binarywang.wx.miniapp.bean.WxMaJscode2SessionResult;
import cn.binarywang.wx.miniapp.bean.WxMaPhoneNumberInfo;
import cn.binarywang.wx.miniapp.config.impl.WxMaDefaultConfigImpl;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import me.chanjar.weixin.common.error.WxErrorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The two WeChat calls sign-in needs, through WxJava. WxJava blocks (Apache HttpClient), so each call runs on
 * boundedElastic. The session_key WeChat returns is dropped here: it never leaves this class.
 */
@Component
class WeChatGateway {

    private static final Logger log = LoggerFactory.getLogger(WeChatGateway.class);

    private final WxMaService wx;
    private final String appid;

    WeChatGateway(AuthProperties properties) {
        AuthProperties.WeChat settings = properties.wechat();
        this.appid = settings.appid();
        if (settings.configured()) {
            WxMaDefaultConfigImpl config = new WxMaDefaultConfigImpl();
            config.setAppid(settings.appid());
            config.setSecret(settings.secret());
            config.setApiHostUrl(settings.apiBaseUrl());
            // The stable token: the notifications module's own client (and other instances) fetching a token does
            // not invalidate ours.
            config.useStableAccessToken(true);
            // Not WxJava's default client, which trusts any certificate (see WeChatHttpClient).
            config.setApacheHttpClientBuilder(new WeChatHttpClient(32, Duration.ofSeconds(5)));
            WxMaServiceImpl service = new WxMaServiceImpl();
            service.setWxMaConfig(config);
            // Retries belong to our own policies, not to WxJava's sleeping retry loop. The service reads its own
            // fields, not the config's (which setMaxRetryTimes on the config would suggest).
            service.setMaxRetryTimes(0);
            service.setRetrySleepMillis(0);
            this.wx = service;
        } else {
            this.wx = null;
        }
    }

    record WeChatUser(String appid, String openid, String unionid) {}

    Mono<WeChatUser> exchangeLoginCode(String code) {
        return call(() -> {
            // WxJava joins the code into the URL as it is: unencoded, a "`" made the call fail (a 503 for the
            // caller's bad input) and an "&" could add parameters of the caller's choosing.
            WxMaJscode2SessionResult session = wx.getUserService()
                    .getSessionInfo(URLEncoder.encode(code, StandardCharsets.UTF_8).replace("+", "%20"));
            return new WeChatUser(appid, session.getOpenid(), blankToNull(session.getUnionid()));
        });
    }

    /** The phone number the user approved with the mini-program's phone button, in canonical form. */
    Mono<String> exchangePhoneCode(String code) {
        return call(() -> {
            WxMaPhoneNumberInfo info = wx.getUserService().getPhoneNumber(code);
            String country = info.getCountryCode() == null ? "86" : info.getCountryCode();
            return "+" + country + info.getPurePhoneNumber();
        });
    }

    private <T> Mono<T> call(Callable<T> call) {
        if (wx == null) {
            return Mono.error(AuthProblems.weChatUnavailable());
        }
        return Mono.fromCallable(call)
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(WxErrorException.class, e -> {
                    int code = e.getError() == null ? -1 : e.getError().getErrorCode();
                    if (code == -1 || code == 45011 || code == 40001 || code >= 500 && code < 600) {
                        log.warn("WeChat call failed with error {}", code);
                        return AuthProblems.weChatUnavailable();
                    }
                    return AuthProblems.weChatRejected(code);
                })
                .onErrorMap(e -> !(e instanceof org.springframework.web.ErrorResponseException), e -> {
                    log.warn("WeChat call failed: {}", e.getClass().getSimpleName());
                    return AuthProblems.weChatUnavailable();
                });
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}

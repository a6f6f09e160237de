package com.patientcrm.platform;

import com.patientcrm.auth.AuthProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Tells whoever started the service where it listens and how to get a token of each kind. */
@Component
class StartupReport {

    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

    private final AuthProperties auth;

    StartupReport(AuthProperties auth) {
        this.auth = auth;
    }

    @EventListener
    void onStarted(WebServerInitializedEvent event) {
        if (!"".equals(event.getApplicationContext().getServerNamespace() == null ? ""
                : event.getApplicationContext().getServerNamespace())) {
            return; // the management server, if it runs on its own port
        }
        String base = "http://localhost:" + event.getWebServer().getPort();
        log.info("""
                Patient CRM is up on {}
                  Swagger UI:  {}/swagger-ui.html   (contract: {}/openapi.yaml)
                  Health:      {}/actuator/health
                  Hospital system token:  curl -u {}:<secret> -d grant_type=client_credentials {}/oauth2/token
                  Staff token:            curl -H 'Content-Type: application/json' -d '{"username":"{}","password":"<password>"}' {}/api/v1/auth/staff
                  Patient token (app):    POST {}/api/v1/auth/otp {"phone":...} then /api/v1/auth/otp/verify {"phone":...,"code":...}{}
                  Patient token (WeChat): POST {}/api/v1/auth/wechat {"code":...}{}
                  (the secret and password locations are logged above; see README "Getting tokens")""",
                base, base, base, base, auth.bootstrap().clientId(), base, auth.bootstrap().adminUsername(), base, base,
                auth.otp().devLogCodes() ? " (codes are logged: OTP_DEV_LOG_CODES=true)"
                        : " (set OTP_DEV_LOG_CODES=true to see codes without an SMS provider)",
                base, auth.wechat().configured() ? " (WeChat API at " + auth.wechat().apiBaseUrl() + ")"
                        : " (needs WECHAT_APPID, WECHAT_SECRET; WECHAT_API_BASE_URL for a fake)");
        if (!auth.wechat().configured()) {
            log.warn("WeChat is not configured: WeChat login answers 503 and WeChat messages are logged, not sent");
        }
    }
}

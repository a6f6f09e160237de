package com.patientcrm.notifications;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The channels ({@code crm.notifications.*}). Without WeChat or FCM credentials the channel logs what it would
 * have sent instead of sending (the default run), and says so at start-up.
 *
 * @param wechat the mini-program's credentials, the state its deep links open ({@code formal}, {@code trial},
 *               {@code developer}), one subscribe-message template per notice template or category, and the
 *               message push's Token, EncodingAESKey (safe mode) and data format ({@code JSON} or {@code XML})
 * @param fcm    the Firebase project and its service-account file; {@code api-base-url} only for tests and staging
 * @param breaker each provider's circuit breaker (the same settings for both)
 */
@ConfigurationProperties("crm.notifications")
public record NotificationProperties(@DefaultValue WeChat wechat, @DefaultValue Fcm fcm, @DefaultValue Breaker breaker) {

    /**
     * Each provider's circuit breaker: it opens when at least {@code failure-rate-percent} of the last {@code window}
     * calls (once {@code minimum-calls} were made) failed for reasons that say the provider is in trouble, and after
     * {@code open-for} lets {@code half-open-calls} through to see whether it has recovered.
     */
    public record Breaker(@DefaultValue("20") int window, @DefaultValue("10") int minimumCalls,
                          @DefaultValue("50") float failureRatePercent, @DefaultValue("30s") Duration openFor,
                          @DefaultValue("3") int halfOpenCalls) {}

    public record WeChat(String appid, String secret, @DefaultValue("https://api.weixin.qq.com") String apiBaseUrl,
                         @DefaultValue("formal") String miniprogramState, @DefaultValue("5s") Duration timeout,
                         @DefaultValue("100") int ratePerSecond, Map<String, Template> templates, String token,
                         String aesKey, @DefaultValue("JSON") DataFormat msgDataFormat,
                         @DefaultValue("192") int maxConnections) {

        public WeChat {
            templates = templates == null ? Map.of() : Map.copyOf(templates);
            token = blankToNull(token);
            aesKey = blankToNull(aesKey);
            if (maxConnections < 1) {
                throw new IllegalArgumentException("crm.notifications.wechat.max-connections must be at least 1");
            }
            if (aesKey != null && !validAesKey(aesKey)) {
                // The key itself stays out of the message: it is a secret.
                throw new IllegalArgumentException("crm.notifications.wechat.aes-key (WECHAT_MESSAGE_AES_KEY) must be the "
                        + "43-character EncodingAESKey from the mini-program console");
            }
        }

        public boolean configured() {
            return appid != null && !appid.isBlank() && secret != null && !secret.isBlank();
        }

        /** Whether WeChat's message push is set up: without its token no push can be authenticated. */
        public boolean receivesMessages() {
            return token != null;
        }

        /** Secrets never reach a log line or an error message through the record's generated toString. */
        @Override
        public String toString() {
            return "WeChat[appid=" + appid + ", apiBaseUrl=" + apiBaseUrl + ", miniprogramState=" + miniprogramState
                    + ", timeout=" + timeout + ", templates=" + templates.keySet() + ", secret=" + mask(secret)
                    + ", token=" + mask(token) + ", aesKey=" + mask(aesKey) + ", msgDataFormat=" + msgDataFormat + "]";
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.trim();
        }

        private static boolean validAesKey(String key) {
            try {
                return key.length() == 43 && java.util.Base64.getDecoder().decode(key + "=").length == 32;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        private static String mask(String secret) {
            return secret == null || secret.isBlank() ? "unset" : "****";
        }

        /** The template for a notice: its own ({@code appointment_cancelled_by_hospital}) or its category's. */
        Template templateFor(Notice notice) {
            Template own = templates.get(notice.template());
            return own != null ? own : templates.get(notice.category().code());
        }
    }

    /** How WeChat's message push encodes its bodies (the console's "data format"; JSON is the mini-program default). */
    public enum DataFormat { JSON, XML }

    /**
     * A subscribe-message template: its id, the page its card opens (a notice's deep link when blank), and which
     * notice field fills each template key ({@code thing1: doctorName}); a value in quotes is literal text.
     */
    public record Template(String templateId, String page, Map<String, String> fields) {

        public Template {
            fields = fields == null ? Map.of() : Map.copyOf(fields);
        }
    }

    public record Fcm(String projectId, String credentialsFile, String apiBaseUrl,
                      @DefaultValue("5s") Duration timeout, @DefaultValue("500") int ratePerSecond) {

        public boolean configured() {
            return projectId != null && !projectId.isBlank();
        }
    }
}

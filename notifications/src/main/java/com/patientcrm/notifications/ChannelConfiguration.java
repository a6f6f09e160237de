package com.patientcrm.notifications;

import com.google.api.client.http.HttpTransport;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.internal.ApacheHttp2Transport;
import com.google.firebase.messaging.FirebaseMessaging;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.core5.http.HttpHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Picks each channel's sender: the provider's SDK when its credentials are configured, else the logging stand-in
 * (with a warning at start-up). Each real sender has its own {@link ProviderGuard} (rate limit and circuit breaker).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NotificationProperties.class)
class ChannelConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ChannelConfiguration.class);

    @Bean
    WeChatSender weChatSender(NotificationProperties properties, Clock clock, ObjectProvider<MeterRegistry> meters) {
        if (!properties.wechat().configured()) {
            log.warn("WeChat subscribe messages are not configured (WECHAT_APPID, WECHAT_SECRET): they are logged, not sent");
            return LoggingSenders.wechat();
        }
        return new WxJavaWeChatSender(properties.wechat(), new ProviderGuard("WeChat", properties.wechat().ratePerSecond(),
                properties.breaker(), WxJavaWeChatSender::troubled, clock, registry(meters)), clock);
    }

    @Bean
    FcmSender fcmSender(NotificationProperties properties, Clock clock, ObjectProvider<MeterRegistry> meters) {
        NotificationProperties.Fcm settings = properties.fcm();
        if (!settings.configured()) {
            log.warn("FCM is not configured (FCM_PROJECT_ID, FCM_CREDENTIALS_FILE): app pushes are logged, not sent");
            return LoggingSenders.fcm();
        }
        int timeout = (int) settings.timeout().toMillis();
        FirebaseOptions.Builder options = FirebaseOptions.builder()
                .setProjectId(settings.projectId())
                .setCredentials(credentials(settings))
                .setConnectTimeout(timeout)
                .setReadTimeout(timeout);
        if (settings.apiBaseUrl() != null && !settings.apiBaseUrl().isBlank()) {
            options.setHttpTransport(redirectedTo(URI.create(settings.apiBaseUrl())));
        }
        FirebaseApp app = FirebaseApp.initializeApp(options.build(), "patient-crm-" + UUID.randomUUID());
        return new FirebaseFcmSender(app, FirebaseMessaging.getInstance(app), settings.timeout(),
                new ProviderGuard("FCM", settings.ratePerSecond(), properties.breaker(), FirebaseFcmSender::troubled, clock,
                        registry(meters)),
                clock);
    }

    private static MeterRegistry registry(ObjectProvider<MeterRegistry> meters) {
        return meters.getIfAvailable(SimpleMeterRegistry::new);
    }

    private static GoogleCredentials credentials(NotificationProperties.Fcm settings) {
        try {
            if (settings.credentialsFile() != null && !settings.credentialsFile().isBlank()) {
                try (InputStream in = Files.newInputStream(Path.of(settings.credentialsFile()))) {
                    return GoogleCredentials.fromStream(in)
                            .createScoped(List.of("https://www.googleapis.com/auth/firebase.messaging"));
                }
            }
            if (settings.apiBaseUrl() != null && !settings.apiBaseUrl().isBlank()) {
                // A stand-in FCM (tests, staging) takes any bearer token; no Google sign-in is attempted.
                Date far = Date.from(java.time.Instant.now().plus(Duration.ofDays(3650)));
                return new GoogleCredentials(new AccessToken("stand-in-fcm", far)) {
                    @Override
                    public AccessToken refreshAccessToken() {
                        return new AccessToken("stand-in-fcm", far);
                    }
                };
            }
            return GoogleCredentials.getApplicationDefault()
                    .createScoped(List.of("https://www.googleapis.com/auth/firebase.messaging"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the FCM service-account credentials", e);
        }
    }

    /**
     * Every FCM request goes to this host and port instead, with the same path (a stand-in FCM). The transport is the
     * one the SDK uses on its own (its asynchronous Apache HttpClient 5 transport, pooled, HTTP/2 where the server
     * speaks it over TLS), only routed elsewhere, so a stand-in run measures the client production runs.
     */
    private static HttpTransport redirectedTo(URI base) {
        HttpHost standIn = new HttpHost(base.getScheme(), base.getHost(), base.getPort());
        return new ApacheHttp2Transport(ApacheHttp2Transport.defaultHttpAsyncClientBuilder()
                .setRoutePlanner((target, context) -> new HttpRoute(standIn))
                .build());
    }
}

package com.patientcrm.support;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * The outside world, once per test JVM: a fake WeChat API (WireMock, with the same stub mappings a developer
 * runs from docker/fake-wechat) and a stand-in hospital OIDC issuer (mock-oauth2-server).
 */
public final class ExternalFakes {

    public static final String WECHAT_APPID = "wx-test";
    public static final String HOSPITAL_ISSUER_ID = "hospital";

    private static WireMockServer weChat;
    private static WireMockServer fcm;
    private static MockOAuth2Server hospitalIdp;
    private static Path dataDir;

    private ExternalFakes() {
    }

    public static synchronized WireMockServer weChat() {
        if (weChat == null) {
            weChat = new WireMockServer(options().dynamicPort().usingFilesUnderDirectory("../docker/fake-wechat"));
            weChat.start();
            Runtime.getRuntime().addShutdownHook(new Thread(weChat::stop));
        }
        return weChat;
    }

    /** A stand-in FCM v1 API (docker/fake-fcm): tokens starting with unregistered, invalid, unavailable fail so. */
    public static synchronized WireMockServer fcm() {
        if (fcm == null) {
            fcm = new WireMockServer(options().dynamicPort().usingFilesUnderDirectory("../docker/fake-fcm"));
            fcm.start();
            Runtime.getRuntime().addShutdownHook(new Thread(fcm::stop));
        }
        return fcm;
    }

    public static synchronized MockOAuth2Server hospitalIdp() {
        if (hospitalIdp == null) {
            hospitalIdp = new MockOAuth2Server();
            hospitalIdp.start();
            Runtime.getRuntime().addShutdownHook(new Thread(hospitalIdp::shutdown));
        }
        return hospitalIdp;
    }

    public static synchronized Path dataDir() {
        if (dataDir == null) {
            try {
                dataDir = Files.createTempDirectory(Path.of("target"), "test-data-");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return dataDir;
    }
}

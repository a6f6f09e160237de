package com.patientcrm.auth;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import me.chanjar.weixin.common.util.http.apache.ApacheHttpClientBuilder;
import org.apache.http.client.HttpRequestRetryHandler;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.conn.ConnectionKeepAliveStrategy;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;

/**
 * The HTTP client sign-in's WxJava calls use, instead of WxJava's {@code DefaultApacheHttpClientBuilder}, which trusts
 * every TLS certificate ({@code loadTrustMaterial((chain, type) -> true)}): anyone on the path to api.weixin.qq.com
 * with any certificate for that name could read login codes, session keys and our access token. This one uses the
 * JVM's trust store, has connect and read timeouts, and no automatic retries (a login code works once). The
 * notifications module has its own, sized for sending. WxJava's proxy setters are accepted and ignored (we set none).
 */
final class WeChatHttpClient implements ApacheHttpClientBuilder {

    private final CloseableHttpClient client;

    WeChatHttpClient(int maxConnections, Duration timeout) {
        int millis = (int) timeout.toMillis();
        PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager(30, TimeUnit.SECONDS);
        pool.setMaxTotal(maxConnections);
        pool.setDefaultMaxPerRoute(maxConnections);
        pool.setValidateAfterInactivity(2_000);
        this.client = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectTimeout(millis).setSocketTimeout(millis).setConnectionRequestTimeout(millis).build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .evictExpiredConnections()
                .evictIdleConnections(30, TimeUnit.SECONDS)
                .setUserAgent("patient-crm")
                .build();
    }

    @Override
    public CloseableHttpClient build() {
        return client;
    }

    @Override
    public ApacheHttpClientBuilder httpProxyHost(String host) {
        return this;
    }

    @Override
    public ApacheHttpClientBuilder httpProxyPort(int port) {
        return this;
    }

    @Override
    public ApacheHttpClientBuilder httpProxyUsername(String username) {
        return this;
    }

    @Override
    public ApacheHttpClientBuilder httpProxyPassword(String password) {
        return this;
    }

    @Override
    public ApacheHttpClientBuilder httpRequestRetryHandler(HttpRequestRetryHandler handler) {
        return this;
    }

    @Override
    public ApacheHttpClientBuilder keepAliveStrategy(ConnectionKeepAliveStrategy strategy) {
        return this;
    }

    @Override
    public ApacheHttpClientBuilder sslConnectionSocketFactory(SSLConnectionSocketFactory factory) {
        return this;
    }

    @Override
    public ApacheHttpClientBuilder supportedProtocols(String[] protocols) {
        return this;
    }
}

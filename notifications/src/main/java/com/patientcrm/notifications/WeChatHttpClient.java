package com.patientcrm.notifications;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import me.chanjar.weixin.common.util.http.apache.ApacheHttpClientBuilder;
import org.apache.http.NoHttpResponseException;
import org.apache.http.client.HttpRequestRetryHandler;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.conn.ConnectionKeepAliveStrategy;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;

/**
 * The HTTP client WxJava sends subscribe messages with, ours instead of WxJava's {@code DefaultApacheHttpClientBuilder}
 * for two reasons:
 * <ul>
 * <li>That builder is one per JVM, built on its first use with 10 connections per host, and sign-in's client uses it
 *     first: what we set on it afterwards is ignored, so every send waited for one of 10 connections (about 300
 *     messages/s in the benchmark, whatever else we changed).</li>
 * <li>It trusts every TLS certificate ({@code loadTrustMaterial((chain, type) -> true)}): anyone on the path to
 *     api.weixin.qq.com with any certificate for that name could read our access token and the patients' openids.
 *     This client uses the JVM's trust store.</li>
 * </ul>
 * One retry only, of a request that met a kept-alive connection the server had just closed (no answer at all:
 * {@code NoHttpResponseException}); other retries are the dispatcher's. Under load such closes are routine (a
 * server drops idle connections past its own limit), and without this each one failed a send and counted towards
 * opening the breaker. Connections idle for a while are checked before reuse and evicted after 30 s. WxJava's proxy settings are not used (we set
 * none); each setter is accepted and ignored, as WxJava calls them with its config's empty values.
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
                .setRetryHandler((failure, execution, context) -> execution == 1 && failure instanceof NoHttpResponseException)
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

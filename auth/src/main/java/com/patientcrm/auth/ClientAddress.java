package com.patientcrm.auth;

import java.net.InetSocketAddress;
import org.springframework.web.server.ServerWebExchange;

/**
 * The caller's IP address. Behind a trusted proxy, Spring's forwarded-header support (enabled by
 * {@code TRUST_FORWARDED_HEADERS}) has already replaced the remote address with the client's.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        if (remote == null) {
            return "unknown";
        }
        return remote.getAddress() == null ? remote.getHostString() : remote.getAddress().getHostAddress();
    }
}

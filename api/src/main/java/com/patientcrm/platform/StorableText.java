package com.patientcrm.platform;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Mono;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Text that PostgreSQL cannot store, or that is not text at all, is refused where it comes in, as a 400 problem: a
 * NUL character ({@code \u0000}, which a {@code text} column rejects) or an unpaired UTF-16 surrogate (which JSON's
 * {@code \ud800} escapes can produce, and which no encoder can turn into UTF-8) in a JSON string, and a NUL in a
 * query parameter. Left alone, each one failed deep inside a request as a 500 (found by the contract fuzz test).
 */
@Configuration(proxyBeanMethods = false)
class StorableText {

    /** Every JSON string the application reads goes through this deserializer. */
    @Bean
    JacksonModule storableJsonStrings() {
        return new SimpleModule("storable-text").addDeserializer(String.class, new StorableStringDeserializer());
    }

    /** Spring Security's default firewall, which also refuses a NUL in any query parameter. */
    @Bean
    ServerWebExchangeFirewall requestFirewall() {
        StrictServerWebExchangeFirewall strict = new StrictServerWebExchangeFirewall();
        return exchange -> strict.getFirewalledExchange(exchange).flatMap(checked ->
                storable(checked.getRequest().getQueryParams()) ? Mono.just(checked)
                        : Mono.error(new ServerExchangeRejectedException("A query parameter holds a NUL character")));
    }

    /** The firewall's refusals (an encoded NUL, slash or backslash in the path, a NUL in the query) as a problem. */
    @Bean
    ServerExchangeRejectedHandler rejectedRequests() {
        return (exchange, rejected) -> Mono.error(Problems.of(HttpStatus.BAD_REQUEST, "malformed-request",
                "Malformed request", "The request's path or query holds characters that are not allowed."));
    }

    static boolean storable(MultiValueMap<String, String> parameters) {
        return parameters.entrySet().stream().allMatch(e -> isStorable(e.getKey())
                && e.getValue().stream().allMatch(StorableText::isStorable));
    }

    static boolean isStorable(String text) {
        if (text == null) {
            return true;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0' || Character.isLowSurrogate(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    private static final class StorableStringDeserializer extends StringDeserializer {

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) {
            String value = super.deserialize(parser, context);
            return isStorable(value) ? value : (String) context.handleWeirdStringValue(String.class, value,
                    "holds a NUL character or an unpaired surrogate");
        }
    }
}

package com.patientcrm.platform;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;

/**
 * An empty string is not a value of any type but text: {@code "from": ""} for a time, a date, a number, an id or
 * an enum is a malformed request (400), never read as if the field had been left out. Jackson's default reads it
 * as null, and for a session cancellation that turned "from this hour" into "the whole day".
 */
@Configuration(proxyBeanMethods = false)
class JsonStrictness {

    @Bean
    JsonMapperBuilderCustomizer emptyStringIsNotNull() {
        return builder -> builder.withCoercionConfigDefaults(config -> config
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                .setAcceptBlankAsEmpty(false));
    }
}

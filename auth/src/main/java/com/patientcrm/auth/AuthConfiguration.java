package com.patientcrm.auth;

import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
@EnableConfigurationProperties(AuthProperties.class)
class AuthConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Replaced by any other {@link SmsSender} bean marked {@code @Primary}, such as a real SMS provider's. */
    @Bean
    SmsSender loggingSmsSender(AuthProperties properties) {
        return new LoggingSmsSender(properties.otp().devLogCodes());
    }
}

package com.patientcrm.platform;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One HAPI FHIR R4 context for the application: building it scans the R4 model (seconds), so it is made once at
 * start-up. Parsing is strict: an unknown element or a malformed value is an error, never silently dropped.
 */
@Configuration(proxyBeanMethods = false)
class FhirConfiguration {

    @Bean
    FhirContext fhirContext() {
        FhirContext context = FhirContext.forR4();
        context.setParserErrorHandler(new StrictErrorHandler());
        return context;
    }
}

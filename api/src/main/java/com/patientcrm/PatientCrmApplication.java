package com.patientcrm;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The patient CRM backend: one application over the auth, notifications and api modules. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class PatientCrmApplication {

    public static void main(String[] args) {
        SpringApplication.run(PatientCrmApplication.class, args);
    }
}

package com.patientcrm;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/**
 * The module boundaries: auth and notifications never depend on application code (they declare interfaces the
 * application implements), and no feature reaches into another's internals or forms a cycle.
 */
class ModularityTests {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("com.patientcrm");

    @Test
    void authAndNotificationsNeverDependOnTheApplication() {
        noClasses().that().resideInAnyPackage("com.patientcrm.auth..", "com.patientcrm.notifications..")
                .should().dependOnClassesThat().resideInAnyPackage("com.patientcrm.patients..", "com.patientcrm.platform..",
                        "com.patientcrm.booking..", "com.patientcrm.reports..", "com.patientcrm.feed..",
                        "com.patientcrm.surveys..", "com.patientcrm.feedback..", "com.patientcrm.privacy..",
                        "com.patientcrm.webhooks..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("com.patientcrm.PatientCrmApplication")
                .check(CLASSES);
    }

    @Test
    void notificationsDoesNotDependOnAuth() {
        noClasses().that().resideInAPackage("com.patientcrm.notifications..")
                .should().dependOnClassesThat().resideInAPackage("com.patientcrm.auth..")
                .check(CLASSES);
    }

    @Test
    void modulesHaveNoCyclesAndUseOnlyEachOthersPublicApi() {
        ApplicationModules.of(PatientCrmApplication.class).verify();
    }
}

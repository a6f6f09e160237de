package com.patientcrm.patients;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PastOrPresent;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;
import java.util.UUID;

/**
 * The patients API's bodies. In updates a missing or null field is left as it is, and an empty string clears
 * an optional text field (address, phone, national ID, emergency contact). Every record keeps its personal data
 * out of toString(), which Spring's codecs print at DEBUG level.
 */
final class PatientDtos {

    static final String GENDERS = "male|female|other|unknown";
    static final String RELATIONSHIPS = "spouse|child|parent|sibling|grandparent|grandchild|other";

    private PatientDtos() {
    }

    record EmergencyContact(@Size(max = 64) String name, @Size(max = 32) String phone,
                            @Size(max = 32) String relationship) {
        @Override
        public String toString() {
            return "EmergencyContact[redacted]";
        }
    }

    record Profile(UUID id, String name, String gender, LocalDate birthDate, String phone, String nationalId,
                   String address, EmergencyContact emergencyContact) {
        @Override
        public String toString() {
            return "Profile[redacted]";
        }
    }

    record ProfileUpdate(@Size(min = 1, max = 64) String name,
                         @Pattern(regexp = GENDERS) String gender,
                         @PastOrPresent LocalDate birthDate,
                         @Size(max = 32) String phone,
                         @Size(max = 18) String nationalId,
                         @Size(max = 256) String address,
                         @Valid EmergencyContact emergencyContact) {
        @Override
        public String toString() {
            return "ProfileUpdate[redacted]";
        }
    }

    record FamilyMember(UUID id, String relationship, String name, String gender, LocalDate birthDate, String phone,
                        String nationalId, String address) {
        @Override
        public String toString() {
            return "FamilyMember[redacted]";
        }
    }

    record NewFamilyMember(@NotNull @Pattern(regexp = RELATIONSHIPS) String relationship,
                           @NotBlank @Size(max = 64) String name,
                           @Pattern(regexp = GENDERS) String gender,
                           @PastOrPresent LocalDate birthDate,
                           @Size(max = 32) String phone,
                           @Size(max = 18) String nationalId,
                           @Size(max = 256) String address) {
        @Override
        public String toString() {
            return "NewFamilyMember[redacted]";
        }
    }

    record FamilyMemberUpdate(@Pattern(regexp = RELATIONSHIPS) String relationship,
                              @Size(min = 1, max = 64) String name,
                              @Pattern(regexp = GENDERS) String gender,
                              @PastOrPresent LocalDate birthDate,
                              @Size(max = 32) String phone,
                              @Size(max = 18) String nationalId,
                              @Size(max = 256) String address) {
        @Override
        public String toString() {
            return "FamilyMemberUpdate[redacted]";
        }
    }
}

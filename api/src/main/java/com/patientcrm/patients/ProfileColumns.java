package com.patientcrm.patients;

import com.patientcrm.auth.FieldCrypto;
import com.patientcrm.auth.PhoneNumbers;
import com.patientcrm.platform.Problems;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.r2dbc.core.Parameter;

/**
 * Turns the fields present in a request into column values: validated, normalised, encrypted and hashed.
 * Absent (null) fields are left out; an empty string clears an optional column.
 */
final class ProfileColumns {

    private final FieldCrypto crypto;
    private final Map<String, Parameter> columns = new LinkedHashMap<>();
    private byte[] nationalIdHash;

    ProfileColumns(FieldCrypto crypto) {
        this.crypto = crypto;
    }

    ProfileColumns name(String name) {
        if (name != null) {
            if (name.isBlank()) {
                throw Problems.invalidField("name", "must not be blank");
            }
            columns.put("name", Parameter.from(name.strip()));
        }
        return this;
    }

    ProfileColumns gender(String gender) {
        return text("gender", gender);
    }

    ProfileColumns birthDate(LocalDate birthDate) {
        if (birthDate != null) {
            columns.put("birth_date", Parameter.from(birthDate));
        }
        return this;
    }

    ProfileColumns address(String address) {
        return text("address", address);
    }

    ProfileColumns phone(String field, String column, String raw) {
        if (raw == null) {
            return this;
        }
        if (raw.isBlank()) {
            columns.put(column + "_enc", Parameter.empty(byte[].class));
            if (column.equals("phone")) {
                columns.put("phone_hash", Parameter.empty(byte[].class));
            }
            return this;
        }
        String phone = PhoneNumbers.normalize(raw);
        if (phone == null) {
            throw Problems.invalidField(field, "must be a phone number, e.g. 13800138000 or +8613800138000");
        }
        columns.put(column + "_enc", Parameter.from(crypto.encrypt(phone)));
        if (column.equals("phone")) {
            columns.put("phone_hash", Parameter.from(crypto.hash(phone)));
        }
        return this;
    }

    ProfileColumns nationalId(String raw) {
        if (raw == null) {
            return this;
        }
        if (raw.isBlank()) {
            columns.put("national_id_enc", Parameter.empty(byte[].class));
            columns.put("national_id_hash", Parameter.empty(byte[].class));
            return this;
        }
        String id = NationalIds.normalize(raw);
        if (id == null) {
            throw Problems.invalidField("nationalId", "must be an 18-character resident identity number with a valid check digit");
        }
        nationalIdHash = crypto.hash("cn-resident-id:" + id);
        columns.put("national_id_enc", Parameter.from(crypto.encrypt(id)));
        columns.put("national_id_hash", Parameter.from(nationalIdHash));
        return this;
    }

    ProfileColumns emergencyContact(PatientDtos.EmergencyContact contact) {
        if (contact != null) {
            text("emergency_contact_name", contact.name());
            text("emergency_contact_relation", contact.relationship());
            phone("emergencyContact.phone", "emergency_contact_phone", contact.phone());
        }
        return this;
    }

    /** The keyed hash of a national ID set by this request, or null. */
    byte[] nationalIdHash() {
        return nationalIdHash;
    }

    Map<String, Parameter> columns() {
        return columns;
    }

    private ProfileColumns text(String column, String value) {
        if (value != null) {
            columns.put(column, value.isBlank() ? Parameter.empty(String.class) : Parameter.from(value.strip()));
        }
        return this;
    }
}

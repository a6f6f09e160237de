package com.patientcrm.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Request bodies of the sign-in endpoints. Unknown properties are rejected by the JSON codec. Each hides its
 * values from toString(), which is what Spring's codecs print at DEBUG level.
 */
final class AuthRequests {

    private AuthRequests() {
    }

    record WeChatCode(@NotBlank @Size(max = 128) String code) {
        @Override
        public String toString() {
            return "WeChatCode[redacted]";
        }
    }

    record OtpRequest(@NotBlank @Size(max = 32) String phone) {
        @Override
        public String toString() {
            return "OtpRequest[redacted]";
        }
    }

    record OtpVerification(@NotBlank @Size(max = 32) String phone,
                           @NotBlank @Pattern(regexp = "[0-9]{4,8}", message = "must be the digits from the SMS") String code) {
        @Override
        public String toString() {
            return "OtpVerification[redacted]";
        }
    }

    record RefreshRequest(@JsonProperty("refresh_token") @NotBlank @Size(max = 128) String refreshToken) {
        @Override
        public String toString() {
            return "RefreshRequest[redacted]";
        }
    }

    record StaffLogin(@NotBlank @Size(max = 64) String username, @NotBlank @Size(max = 256) String password) {
        @Override
        public String toString() {
            return "StaffLogin[redacted]";
        }
    }

    record OtpSent(long expiresInSeconds, long resendAfterSeconds) {}
}

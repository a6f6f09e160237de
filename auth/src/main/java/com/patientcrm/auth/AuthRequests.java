package com.patientcrm.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request bodies of the sign-in endpoints. Unknown properties are rejected by the JSON codec. */
final class AuthRequests {

    private AuthRequests() {
    }

    record WeChatCode(@NotBlank @Size(max = 128) String code) {}

    record OtpRequest(@NotBlank @Size(max = 32) String phone) {}

    record OtpVerification(@NotBlank @Size(max = 32) String phone,
                           @NotBlank @Pattern(regexp = "[0-9]{4,8}", message = "must be the digits from the SMS") String code) {}

    record RefreshRequest(@JsonProperty("refresh_token") @NotBlank @Size(max = 128) String refreshToken) {}

    record StaffLogin(@NotBlank @Size(max = 64) String username, @NotBlank @Size(max = 256) String password) {}

    record OtpSent(long expiresInSeconds, long resendAfterSeconds) {}
}

package com.patientcrm.auth;

import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Access + refresh token pairs for patients and staff; refresh with rotation and reuse detection; logout. */
@Service
class Sessions {

    private static final String PATIENT = "patient";
    private static final String STAFF = "staff";

    private final TokenIssuer issuer;
    private final RefreshTokens refreshTokens;
    private final PatientAccounts patients;
    private final StaffAccounts staff;

    Sessions(TokenIssuer issuer, RefreshTokens refreshTokens, PatientAccounts patients, StaffAccounts staff) {
        this.issuer = issuer;
        this.refreshTokens = refreshTokens;
        this.patients = patients;
        this.staff = staff;
    }

    Mono<TokenResponse> startPatient(UUID accountId) {
        return refreshTokens.issue(new RefreshTokens.Subject(PATIENT, accountId))
                .map(refresh -> TokenResponse.of(issuer.patient(accountId), refresh));
    }

    Mono<TokenResponse> startStaff(StaffAccounts.Staff member) {
        return refreshTokens.issue(new RefreshTokens.Subject(STAFF, member.id()))
                .map(refresh -> TokenResponse.of(issuer.staff(member.id(), member.roles()), refresh));
    }

    Mono<TokenResponse> refresh(String presented) {
        return refreshTokens.rotate(presented).flatMap(rotation -> {
            if (rotation instanceof RefreshTokens.Rotation.Rotated rotated) {
                return accessFor(rotated.subject())
                        .map(access -> TokenResponse.of(access, rotated.newToken()))
                        .switchIfEmpty(Mono.error(AuthProblems::invalidRefreshToken));
            }
            return Mono.error(rotation instanceof RefreshTokens.Rotation.Reused
                    ? AuthProblems.refreshTokenReused() : AuthProblems.invalidRefreshToken());
        });
    }

    Mono<Void> logout(String presented) {
        return refreshTokens.revokeFamilyOf(presented);
    }

    /** A new access token for the subject as it is now: a merged, erased or disabled subject gets none. */
    private Mono<TokenIssuer.AccessToken> accessFor(RefreshTokens.Subject subject) {
        if (PATIENT.equals(subject.kind())) {
            return patients.isActive(subject.id()).filter(Boolean::booleanValue).map(ok -> issuer.patient(subject.id()));
        }
        return staff.findEnabled(subject.id()).map(member -> issuer.staff(member.id(), member.roles()));
    }
}

package com.patientcrm.patients;

import jakarta.validation.Valid;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The signed-in patient's profile and family members. Personal data: never cached by clients or proxies. */
@RestController
class PatientsController {

    private final Patients patients;

    PatientsController(Patients patients) {
        this.patients = patients;
    }

    @GetMapping("/api/v1/me")
    Mono<ResponseEntity<PatientDtos.Profile>> me(@AuthenticationPrincipal Jwt jwt) {
        return patients.profile(account(jwt)).map(PatientsController::private_);
    }

    @PatchMapping("/api/v1/me")
    Mono<ResponseEntity<PatientDtos.Profile>> updateMe(@AuthenticationPrincipal Jwt jwt,
                                                       @Valid @RequestBody PatientDtos.ProfileUpdate body) {
        return patients.updateProfile(account(jwt), body).map(PatientsController::private_);
    }

    @GetMapping("/api/v1/me/family-members")
    Mono<ResponseEntity<java.util.List<PatientDtos.FamilyMember>>> family(@AuthenticationPrincipal Jwt jwt) {
        Flux<PatientDtos.FamilyMember> members = patients.familyMembers(account(jwt));
        return members.collectList().map(PatientsController::private_);
    }

    @PostMapping("/api/v1/me/family-members")
    Mono<ResponseEntity<PatientDtos.FamilyMember>> addMember(@AuthenticationPrincipal Jwt jwt,
                                                             @Valid @RequestBody PatientDtos.NewFamilyMember body) {
        return patients.addFamilyMember(account(jwt), body)
                .map(member -> ResponseEntity.created(URI.create("/api/v1/me/family-members/" + member.id()))
                        .cacheControl(CacheControl.noStore()).body(member));
    }

    @GetMapping("/api/v1/me/family-members/{id}")
    Mono<ResponseEntity<PatientDtos.FamilyMember>> member(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return patients.familyMember(account(jwt), id).map(PatientsController::private_);
    }

    @PatchMapping("/api/v1/me/family-members/{id}")
    Mono<ResponseEntity<PatientDtos.FamilyMember>> updateMember(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id,
                                                                @Valid @RequestBody PatientDtos.FamilyMemberUpdate body) {
        return patients.updateFamilyMember(account(jwt), id, body).map(PatientsController::private_);
    }

    @DeleteMapping("/api/v1/me/family-members/{id}")
    Mono<ResponseEntity<Void>> removeMember(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return patients.removeFamilyMember(account(jwt), id).thenReturn(ResponseEntity.noContent().build());
    }

    private static UUID account(Jwt jwt) {
        return UUID.fromString(jwt.getSubject());
    }

    private static <T> ResponseEntity<T> private_(T body) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
    }
}

package com.patientcrm.surveys;

import com.patientcrm.patients.Patients;
import com.patientcrm.privacy.AuditLog;
import jakarta.validation.Valid;
import java.util.List;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The patient's surveys: those of the account's own record and of the family members it acts for. Another
 * account's invitation is not found (and the refusal audited); every read of answers is audited, and so is a save.
 */
@RestController
class InvitationController {

    private final Invitations invitations;
    private final Patients patients;
    private final AuditLog audit;

    InvitationController(Invitations invitations, Patients patients, AuditLog audit) {
        this.invitations = invitations;
        this.patients = patients;
        this.audit = audit;
    }

    @GetMapping("/api/v1/surveys/pending")
    Mono<ResponseEntity<List<SurveyDtos.Pending>>> pending(@AuthenticationPrincipal Jwt jwt) {
        return mine(jwt).flatMap(invitations::pending)
                .flatMap(list -> audit.readAll("survey-invitation", list.stream().map(SurveyDtos.Pending::patientId).toList())
                        .thenReturn(list))
                .map(list -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(list));
    }

    @GetMapping("/api/v1/survey-invitations/{id}")
    Mono<ResponseEntity<SurveyDtos.Invitation>> one(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return mine(jwt).flatMap(ids -> invitations.view(id, ids))
                .flatMap(found -> audit.read("survey-invitation", found.patientId(), id.toString()).thenReturn(found))
                .map(found -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(found));
    }

    @PutMapping("/api/v1/survey-invitations/{id}/response")
    Mono<ResponseEntity<SurveyDtos.Invitation>> respond(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id,
                                                        @Valid @RequestBody SurveyDtos.Response body) {
        return mine(jwt).flatMap(ids -> invitations.respond(id, ids, body))
                .flatMap(saved -> audit.acted("survey-invitation", saved.patientId(), id.toString(),
                        body.submit() ? "survey-submitted" : "survey-answers-saved").thenReturn(saved))
                .map(saved -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(saved));
    }

    private Mono<List<UUID>> mine(Jwt jwt) {
        return patients.actsFor(UUID.fromString(jwt.getSubject())).collectList();
    }
}

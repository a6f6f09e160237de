package com.patientcrm.surveys;

import com.patientcrm.platform.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Staff: survey definitions (FEEDBACK_MANAGER or ADMIN write, FEEDBACK_AGENT reads) and NPS/CSAT analytics (the
 * three of them). Definitions and aggregates hold no patient data, so they are not audited.
 */
@RestController
class SurveyControllers {

    private final SurveyDefinitions definitions;
    private final SurveyStore store;
    private final SurveyAnalytics analytics;

    SurveyControllers(SurveyDefinitions definitions, SurveyStore store, SurveyAnalytics analytics) {
        this.definitions = definitions;
        this.store = store;
        this.analytics = analytics;
    }

    @GetMapping("/staff/v1/surveys")
    Mono<List<SurveyDtos.Survey>> list() {
        return store.all().collectList();
    }

    @PostMapping("/staff/v1/surveys")
    Mono<ResponseEntity<SurveyDtos.Survey>> create(@AuthenticationPrincipal Jwt jwt,
                                                   @Valid @RequestBody SurveyDtos.Definition body) {
        return definitions.create(body, jwt.getSubject())
                .map(survey -> ResponseEntity.created(URI.create("/staff/v1/surveys/" + survey.id())).body(survey));
    }

    @GetMapping("/staff/v1/surveys/{id}")
    Mono<SurveyDtos.Survey> one(@PathVariable UUID id) {
        return store.current(id).switchIfEmpty(Mono.error(() -> Problems.notFound("survey")));
    }

    @PutMapping("/staff/v1/surveys/{id}")
    Mono<SurveyDtos.Survey> edit(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id,
                                 @Valid @RequestBody SurveyDtos.Definition body) {
        return definitions.edit(id, body, jwt.getSubject());
    }

    @GetMapping("/staff/v1/surveys/{id}/versions/{version}")
    Mono<SurveyDtos.Survey> version(@PathVariable UUID id, @PathVariable @Min(1) int version) {
        return store.version(id, version).switchIfEmpty(Mono.error(() -> Problems.notFound("survey version")));
    }

    @GetMapping("/staff/v1/analytics/nps")
    Mono<SurveyDtos.NpsReport> nps(@RequestParam(defaultValue = "department") @Pattern(regexp = "department|doctor") String groupBy,
                                   @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                   @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to) {
        return analytics.nps(groupBy, from, to);
    }

    @GetMapping("/staff/v1/analytics/csat")
    Mono<SurveyDtos.CsatReport> csat(@RequestParam(defaultValue = "department") @Pattern(regexp = "department|doctor") String groupBy,
                                     @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                     @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to) {
        return analytics.csat(groupBy, from, to);
    }
}

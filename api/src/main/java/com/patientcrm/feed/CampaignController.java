package com.patientcrm.feed;

import jakarta.validation.Valid;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Campaigns for content editors: push an article to a segment, then follow its results. Counts only, never who. */
@RestController
class CampaignController {

    private final Campaigns campaigns;

    CampaignController(Campaigns campaigns) {
        this.campaigns = campaigns;
    }

    @PostMapping("/staff/v1/campaigns")
    Mono<ResponseEntity<ArticleDtos.CampaignCreated>> start(@AuthenticationPrincipal Jwt jwt,
                                                           @Valid @RequestBody ArticleDtos.NewCampaign body) {
        return campaigns.start(body, jwt.getSubject()).map(created -> ResponseEntity
                .created(URI.create("/staff/v1/campaigns/" + created.campaignId())).body(created));
    }

    @GetMapping("/staff/v1/campaigns/{id}")
    Mono<ArticleDtos.CampaignReport> report(@PathVariable UUID id) {
        return campaigns.report(id);
    }
}

package com.patientcrm.privacy;

import java.net.URI;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A patient asks for their data, follows the export's status, and downloads it while it lasts. */
@RestController
class DataExportController {

    private final DataExports exports;

    DataExportController(DataExports exports) {
        this.exports = exports;
    }

    @PostMapping("/api/v1/me/data-export")
    Mono<ResponseEntity<DataExports.Status>> request(@AuthenticationPrincipal Jwt jwt) {
        return exports.request(account(jwt)).map(status -> ResponseEntity.status(HttpStatus.ACCEPTED)
                .location(URI.create("/api/v1/me/data-export/" + status.id()))
                .cacheControl(CacheControl.noStore()).body(status));
    }

    @GetMapping("/api/v1/me/data-export/{id}")
    Mono<ResponseEntity<DataExports.Status>> status(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return exports.find(account(jwt), id)
                .map(status -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(status));
    }

    @GetMapping("/api/v1/me/data-export/{id}/download")
    Mono<ResponseEntity<String>> download(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return exports.download(account(jwt), id).map(content -> ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .cacheControl(CacheControl.noStore())
                .header("Content-Disposition", ContentDisposition.attachment()
                        .filename("patient-data-" + LocalDate.now(ZoneOffset.UTC) + ".json").build().toString())
                .body(content));
    }

    private static UUID account(Jwt jwt) {
        return UUID.fromString(jwt.getSubject());
    }
}

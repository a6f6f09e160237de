package com.patientcrm.reports;

import com.patientcrm.privacy.AuditLog;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reports over HTTP: the hospital's push and PDF upload (scope {@code reports:write}), and the patient's reads of
 * their own and their family members' reports. Every read is audited before it is answered, and never cached.
 */
@RestController
class ReportControllers {

    private final Reports reports;
    private final ReportPdfs pdfs;
    private final AuditLog audit;

    ReportControllers(Reports reports, ReportPdfs pdfs, AuditLog audit) {
        this.reports = reports;
        this.pdfs = pdfs;
        this.audit = audit;
    }

    @PostMapping("/integration/v1/reports")
    Mono<ReportDtos.UpsertResult> push(@Valid @RequestBody ReportDtos.HospitalReport body) {
        return reports.upsert(body);
    }

    @PutMapping(path = "/integration/v1/reports/{externalId}/pdf", consumes = MediaType.APPLICATION_PDF_VALUE)
    Mono<ReportDtos.PdfStored> uploadPdf(@PathVariable @Size(max = 100) String externalId,
                                         @RequestHeader(name = HttpHeaders.CONTENT_LENGTH, required = false) Long length,
                                         @RequestBody(required = false) Flux<DataBuffer> body) {
        return pdfs.read(length == null ? -1 : length, body == null ? Flux.empty() : body)
                .flatMap(content -> reports.storePdf(externalId, content));
    }

    @GetMapping("/api/v1/reports")
    Mono<ResponseEntity<ReportDtos.Page>> list(@AuthenticationPrincipal Jwt jwt,
                                               @RequestParam(required = false) UUID patientId,
                                               @RequestParam(required = false) @Size(max = 200) String cursor,
                                               @RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit) {
        return reports.page(account(jwt), patientId, cursor, limit)
                .flatMap(page -> audit.readAll("report", page.items().stream().map(ReportSummary::patientId).toList())
                        .thenReturn(page))
                .map(ReportControllers::private_);
    }

    @GetMapping("/api/v1/reports/{id}")
    Mono<ResponseEntity<ReportDtos.Report>> get(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return reports.get(account(jwt), id)
                .flatMap(report -> audit.read("report", report.patientId(), id.toString()).thenReturn(report))
                .map(ReportControllers::private_);
    }

    @GetMapping("/api/v1/reports/{id}/versions")
    Mono<ResponseEntity<List<ReportDtos.ReportVersion>>> versions(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return reports.versions(account(jwt), id)
                .flatMap(found -> audit.read("report-versions", found.getKey(), id.toString()).thenReturn(found.getValue()))
                .map(ReportControllers::private_);
    }

    @GetMapping("/api/v1/reports/{id}/pdf")
    Mono<ResponseEntity<byte[]>> pdf(@AuthenticationPrincipal Jwt jwt, @PathVariable UUID id) {
        return reports.pdf(account(jwt), id)
                .flatMap(found -> audit.read("report-pdf", found.getKey(), id.toString()).thenReturn(found.getValue()))
                .map(bytes -> ResponseEntity.ok().cacheControl(CacheControl.noStore())
                        .contentType(MediaType.APPLICATION_PDF)
                        // The report's id only: a file name travels into download folders and share sheets.
                        .header(HttpHeaders.CONTENT_DISPOSITION,
                                ContentDisposition.attachment().filename("report-" + id + ".pdf").build().toString())
                        .body(bytes));
    }

    private static UUID account(Jwt jwt) {
        return UUID.fromString(jwt.getSubject());
    }

    private static <T> ResponseEntity<T> private_(T body) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
    }
}

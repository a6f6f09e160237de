package com.patientcrm.booking;

import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.http.HttpStatus;

/** A FHIR request that cannot be served: answered as an OperationOutcome, as FHIR clients expect. */
final class FhirProblem extends RuntimeException {

    private final transient HttpStatus status;
    private final transient OperationOutcome outcome;

    private FhirProblem(HttpStatus status, OperationOutcome outcome, String summary) {
        super(summary, null, false, false);
        this.status = status;
        this.outcome = outcome;
    }

    static FhirProblem of(HttpStatus status, OperationOutcome.IssueType type, String... messages) {
        return of(status, type, List.of(messages));
    }

    static FhirProblem of(HttpStatus status, OperationOutcome.IssueType type, List<String> messages) {
        OperationOutcome outcome = new OperationOutcome();
        messages.forEach(message -> outcome.addIssue(issue(OperationOutcome.IssueSeverity.ERROR, type, message)));
        return new FhirProblem(status, outcome, messages.isEmpty() ? status.getReasonPhrase() : messages.get(0));
    }

    static FhirProblem invalid(String... messages) {
        return of(HttpStatus.BAD_REQUEST, OperationOutcome.IssueType.INVALID, messages);
    }

    static OperationOutcome.OperationOutcomeIssueComponent issue(OperationOutcome.IssueSeverity severity,
                                                                 OperationOutcome.IssueType type, String message) {
        return new OperationOutcome.OperationOutcomeIssueComponent().setSeverity(severity).setCode(type)
                .setDiagnostics(message);
    }

    HttpStatus status() {
        return status;
    }

    OperationOutcome outcome() {
        return outcome;
    }
}

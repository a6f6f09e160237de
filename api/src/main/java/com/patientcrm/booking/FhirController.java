package com.patientcrm.booking;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.util.Date;
import java.util.concurrent.Callable;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Enumerations;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * FHIR R4 for hospitals that speak it (scope {@code fhir}): a transaction or batch Bundle of Schedules and Slots, Slot
 * and Appointment searches, and the CapabilityStatement. HAPI's R4 model parses and writes every resource; it is a
 * blocking, CPU-heavy library, so it runs on boundedElastic, off the event loop. Errors are OperationOutcomes.
 */
@RestController
@RequestMapping("/fhir/r4")
class FhirController {

    static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

    private final FhirContext fhir;
    private final FhirPush push;
    private final FhirSearch search;

    FhirController(FhirContext fhir, FhirPush push, FhirSearch search) {
        this.fhir = fhir;
        this.push = push;
        this.search = search;
    }

    @PostMapping(consumes = {"application/fhir+json", MediaType.APPLICATION_JSON_VALUE})
    Mono<ResponseEntity<String>> bundle(@RequestBody String body) {
        return offLoop(() -> parse(body))
                .flatMap(push::push)
                .flatMap(this::ok);
    }

    private Bundle parse(String body) {
        try {
            return fhir.newJsonParser().parseResource(Bundle.class, body);
        } catch (NullPointerException | IllegalArgumentException | IllegalStateException parserFault) {
            // HAPI fails this way on some malformed input, e.g. an entry whose resource is null (found by the
            // contract fuzz): the body is at fault, not the server. DataFormatException keeps its own handler.
            throw FhirProblem.invalid("The body is not a valid FHIR R4 JSON Bundle.");
        }
    }

    @GetMapping("/Slot")
    Mono<ResponseEntity<String>> slots(ServerHttpRequest request) {
        return Mono.defer(() -> search.slots(request.getQueryParams(), UriComponentsBuilder.fromUri(request.getURI())))
                .flatMap(this::ok);
    }

    @GetMapping("/Appointment")
    Mono<ResponseEntity<String>> appointments(ServerHttpRequest request) {
        return Mono.defer(() -> search.appointments(request.getQueryParams(), UriComponentsBuilder.fromUri(request.getURI())))
                .flatMap(this::ok);
    }

    @GetMapping("/metadata")
    Mono<ResponseEntity<String>> metadata() {
        return ok(capabilities());
    }

    @ExceptionHandler(FhirProblem.class)
    Mono<ResponseEntity<String>> problem(FhirProblem problem) {
        return encode(problem.outcome()).map(body -> ResponseEntity.status(problem.status()).contentType(FHIR_JSON).body(body));
    }

    @ExceptionHandler(DataFormatException.class)
    Mono<ResponseEntity<String>> unreadable(DataFormatException malformed) {
        // HAPI's message names the element and position; it never echoes field values back.
        return problem(FhirProblem.invalid("The body is not a valid FHIR R4 JSON Bundle: " + malformed.getMessage()));
    }

    private Mono<ResponseEntity<String>> ok(IBaseResource resource) {
        return encode(resource).map(body -> ResponseEntity.ok().contentType(FHIR_JSON).body(body));
    }

    private Mono<String> encode(IBaseResource resource) {
        return offLoop(() -> fhir.newJsonParser().encodeResourceToString(resource));
    }

    private static <T> Mono<T> offLoop(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }

    private static CapabilityStatement capabilities() {
        CapabilityStatement capabilities = new CapabilityStatement();
        capabilities.setStatus(Enumerations.PublicationStatus.ACTIVE).setDate(new Date())
                .setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE)
                .setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        capabilities.addFormat("application/fhir+json");
        capabilities.getSoftware().setName("Patient CRM");
        capabilities.getImplementation().setDescription("Patient CRM: slots and appointments for the hospital's systems");
        CapabilityStatement.CapabilityStatementRestComponent rest = capabilities.addRest()
                .setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.TRANSACTION)
                .setDocumentation("Schedule and Slot entries (PUT or POST); all or nothing");
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.BATCH)
                .setDocumentation("Schedule and Slot entries (PUT or POST); each entry on its own");
        CapabilityStatement.CapabilityStatementRestResourceComponent slot = rest.addResource().setType("Slot");
        slot.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
        slot.addSearchParam().setName("schedule").setType(Enumerations.SearchParamType.REFERENCE);
        slot.addSearchParam().setName("start").setType(Enumerations.SearchParamType.DATE);
        slot.addSearchParam().setName("status").setType(Enumerations.SearchParamType.TOKEN);
        CapabilityStatement.CapabilityStatementRestResourceComponent appointment = rest.addResource().setType("Appointment");
        appointment.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
        appointment.addSearchParam().setName("patient").setType(Enumerations.SearchParamType.REFERENCE);
        appointment.addSearchParam().setName("_lastUpdated").setType(Enumerations.SearchParamType.DATE);
        rest.addResource().setType("Schedule").addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.UPDATE)
                .setDocumentation("Only inside a transaction or batch Bundle");
        return capabilities;
    }
}

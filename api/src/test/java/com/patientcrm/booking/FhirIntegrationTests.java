package com.patientcrm.booking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import com.patientcrm.support.IntegrationTest;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

/**
 * FHIR R4 round trips with HAPI's own client: a transaction Bundle of a Schedule and Slots, then Slot and
 * Appointment searches. Everything we answer is checked by HAPI's validator against the base R4 profiles.
 */
class FhirIntegrationTests extends IntegrationTest {

    private static FhirValidator validator;

    @Autowired
    FhirContext fhir;

    private IGenericClient client;
    private HospitalFixtures.Seeded seeded;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void fhirClient() {
        String token = clientToken();
        seeded = new HospitalFixtures(http, token).departmentAndDoctor("Asia/Shanghai", 14);
        fhir.getRestfulClientFactory().setServerValidationMode(ca.uhn.fhir.rest.client.api.ServerValidationModeEnum.NEVER);
        client = fhir.newRestfulGenericClient("http://localhost:" + port + "/fhir/r4");
        client.registerInterceptor(new BearerTokenAuthInterceptor(token));
        client.registerInterceptor(new ca.uhn.fhir.rest.client.interceptor.AdditionalRequestHeadersInterceptor(
                Map.of("X-Forwarded-For", List.of(clientIp))));
    }

    @Test
    void aTransactionOfAScheduleAndSlotsIsStoredAndSearchable() {
        OffsetDateTime start = LocalDate.now().plusDays(2).atTime(9, 0).atOffset(java.time.ZoneOffset.ofHours(8));
        Bundle transaction = transaction(schedule("sched-" + suffix, null),
                slot("s1-" + suffix, "Schedule/sched-" + suffix, start, 1, 1000),
                slot("s2-" + suffix, "Schedule/sched-" + suffix, start.plusMinutes(30), 2, 1000),
                slot("s3-" + suffix, "Schedule/sched-" + suffix, start.plusHours(1), 1, 1000));

        Bundle answer = client.transaction().withBundle(transaction).execute();

        assertValid(answer);
        assertThat(answer.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
        assertThat(answer.getEntry()).extracting(e -> e.getResponse().getStatus()).containsOnly("200 OK");
        assertThat(answer.getEntry().get(0).getResponse().getLocation()).isEqualTo("Schedule/" + seeded.doctorId());
        String firstSlot = answer.getEntry().get(1).getResponse().getLocation().substring("Slot/".length());

        Bundle free = searchSlots("Schedule/sched-" + suffix, "free");
        assertValid(free);
        assertThat(free.getEntry()).hasSize(3);
        Slot first = (Slot) free.getEntry().get(0).getResource();
        assertThat(first.getIdElement().getIdPart()).isEqualTo(firstSlot);
        assertThat(first.getIdentifierFirstRep().getValue()).isEqualTo("s1-" + suffix);
        assertThat(first.getStartElement().getValueAsString()).endsWith("+08:00");
        assertThat(first.getStart().toInstant()).isEqualTo(start.toInstant());
        assertThat(first.getSchedule().getReference()).isEqualTo("Schedule/" + seeded.doctorId());

        // The same slots are what patients book through the app.
        String patient = patientToken();
        http.post().uri("/api/v1/appointments").headers(h -> {
                    h.setBearerAuth(patient);
                    h.set("Idempotency-Key", UUID.randomUUID().toString());
                }).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slotId", firstSlot)).exchange()
                .expectStatus().isCreated();
        assertThat(searchSlots("Schedule/" + seeded.doctorId(), "free").getEntry()).hasSize(2);
        Bundle busy = searchSlots("Schedule/sched-" + suffix, "busy");
        assertThat(busy.getEntry()).hasSize(1);
        assertThat(((Slot) busy.getEntry().get(0).getResource()).getStatus()).isEqualTo(Slot.SlotStatus.BUSY);
    }

    @Test
    void appointmentsAreFoundByPatientAndByLastUpdatedAcrossPages() {
        OffsetDateTime start = LocalDate.now().plusDays(3).atTime(10, 0).atOffset(java.time.ZoneOffset.ofHours(8));
        Bundle answer = client.transaction().withBundle(transaction(schedule("sched-" + suffix, null),
                slot("a1-" + suffix, "Schedule/sched-" + suffix, start, 1, 1),
                // The next day: one person holds one appointment per doctor per day.
                slot("a2-" + suffix, "Schedule/sched-" + suffix, start.plusDays(1), 1, 1))).execute();
        String before = OffsetDateTime.now().minusSeconds(1).toString();
        String patient = patientToken();
        String me = (String) http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(patient)).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id");
        String first = book(patient, answer.getEntry().get(1).getResponse().getLocation().substring(5));
        book(patient, answer.getEntry().get(2).getResponse().getLocation().substring(5));
        http.post().uri("/api/v1/appointments/" + first + "/cancel").headers(h -> h.setBearerAuth(patient)).exchange()
                .expectStatus().isOk();

        Bundle page = client.search().forResource(Appointment.class)
                .where(Appointment.PATIENT.hasId("Patient/" + me)).count(1).returnBundle(Bundle.class).execute();
        assertValid(page);
        assertThat(page.getEntry()).hasSize(1);
        assertThat(page.getLink(Bundle.LINK_NEXT)).isNotNull();
        Bundle next = client.loadPage().next(page).execute();
        assertValid(next);
        List<Appointment> both = List.of((Appointment) page.getEntry().get(0).getResource(),
                (Appointment) next.getEntry().get(0).getResource());
        assertThat(both).extracting(Appointment::getStatus)
                .containsExactly(Appointment.AppointmentStatus.BOOKED, Appointment.AppointmentStatus.CANCELLED);
        Appointment cancelled = both.get(1);
        assertThat(cancelled.getIdElement().getIdPart()).isEqualTo(first);
        assertThat(cancelled.getCancelationReason().getText()).isEqualTo("cancelled by the patient");
        assertThat(cancelled.getParticipant()).extracting(p -> p.getActor().getReference())
                .containsExactly("Patient/" + me, "Practitioner/" + seeded.doctorId());

        Bundle recent = client.search().forResource(Appointment.class)
                .where(Appointment.PATIENT.hasId("Patient/" + me))
                .and(new ca.uhn.fhir.rest.gclient.DateClientParam("_lastUpdated").afterOrEquals().second(before))
                .returnBundle(Bundle.class).execute();
        assertThat(recent.getEntry()).hasSize(2);
    }

    @Test
    void replaysAndOlderVersionsChangeNothing() {
        OffsetDateTime start = LocalDate.now().plusDays(2).atTime(14, 0).atOffset(java.time.ZoneOffset.ofHours(8));
        Bundle v2 = transaction(schedule("sched-" + suffix, null), slot("r1-" + suffix, "Schedule/sched-" + suffix, start, 3, 2000));
        client.transaction().withBundle(v2).execute();

        Bundle replay = client.transaction().withBundle(v2).execute();
        assertThat(replay.getEntry().get(1).getResponse().getOutcome()).isInstanceOf(OperationOutcome.class);
        Bundle older = client.transaction().withBundle(transaction(
                slot("r1-" + suffix, "Schedule/" + seeded.doctorId(), start, 9, 1000))).execute();
        assertValid(older);
        assertThat(older.getEntry().get(0).getResponse().getStatus()).isEqualTo("200 OK");

        Slot stored = (Slot) searchSlots("Schedule/sched-" + suffix, null).getEntry().get(0).getResource();
        assertThat(stored.getComment()).isEqualTo("3 places, 3 free");
    }

    @Test
    void anInvalidEntryFailsTheWholeTransactionButOnlyItselfInABatch() {
        OffsetDateTime start = LocalDate.now().plusDays(2).atTime(15, 0).atOffset(java.time.ZoneOffset.ofHours(8));
        Slot good = slot("t1-" + suffix, "Schedule/sched-" + suffix, start, 1, 1);
        Slot unknownSchedule = slot("t2-" + suffix, "Schedule/nobody-" + suffix, start, 1, 1);

        assertThatThrownBy(() -> client.transaction().withBundle(transaction(schedule("sched-" + suffix, null), good,
                unknownSchedule)).execute())
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    OperationOutcome outcome = (OperationOutcome) e.getOperationOutcome();
                    assertValid(outcome);
                    assertThat(outcome.getIssueFirstRep().getDiagnostics()).startsWith("entry[2]: Slot.schedule");
                });
        assertThat(searchSlots("Schedule/" + seeded.doctorId(), null).getEntry()).isEmpty();

        Slot withoutId = slot("ignored", "Schedule/sched-" + suffix, start.plusHours(2), 1, 1);
        withoutId.setIdentifier(List.of());
        Bundle batch = transaction(schedule("sched-" + suffix, null), good, unknownSchedule, withoutId);
        batch.setType(Bundle.BundleType.BATCH);
        Bundle answer = client.transaction().withBundle(batch).execute();
        assertValid(answer);
        assertThat(answer.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
        assertThat(answer.getEntry()).extracting(e -> e.getResponse().getStatus())
                .containsExactly("200 OK", "200 OK", "400 Bad Request", "400 Bad Request");
        // A urn:uuid fullUrl is a placeholder within the Bundle, never taken for the hospital's slot id.
        assertThat(((OperationOutcome) answer.getEntry().get(3).getResponse().getOutcome()).getIssueFirstRep()
                .getDiagnostics()).contains("needs an identifier or id");
        assertThat(searchSlots("Schedule/" + seeded.doctorId(), null).getEntry()).hasSize(1);
    }

    @Test
    void aCapacityBelowWhatIsBookedRollsTheTransactionBack() {
        OffsetDateTime start = LocalDate.now().plusDays(2).atTime(16, 0).atOffset(java.time.ZoneOffset.ofHours(8));
        Bundle first = client.transaction().withBundle(transaction(schedule("sched-" + suffix, null),
                slot("c1-" + suffix, "Schedule/sched-" + suffix, start, 1, 1))).execute();
        book(patientToken(), first.getEntry().get(1).getResponse().getLocation().substring(5));

        // The refused entry comes first: PostgreSQL aborts the rest of the transaction, still a 422, nothing stored.
        assertThatThrownBy(() -> client.transaction().withBundle(transaction(
                slot("c1-" + suffix, "Schedule/sched-" + suffix, start, 0, 2),
                slot("c2-" + suffix, "Schedule/sched-" + suffix, start.plusHours(1), 1, 2))).execute())
                .isInstanceOf(UnprocessableEntityException.class);
        assertThat(searchSlots("Schedule/sched-" + suffix, null).getEntry()).hasSize(1);
    }

    @Test
    void slotDaysFollowTheSchedulesZoneAcrossADaylightSavingChange() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        // 2027-03-28: clocks go from 02:00 to 03:00 in Berlin.
        OffsetDateTime beforeChange = LocalDate.of(2027, 3, 28).atTime(1, 30).atZone(berlin).toOffsetDateTime();
        OffsetDateTime afterChange = LocalDate.of(2027, 3, 28).atTime(3, 30).atZone(berlin).toOffsetDateTime();
        OffsetDateTime nextDay = LocalDate.of(2027, 3, 29).atTime(0, 30).atZone(berlin).toOffsetDateTime();
        client.transaction().withBundle(transaction(schedule("sched-" + suffix, "Europe/Berlin"),
                slot("d1-" + suffix, "Schedule/sched-" + suffix, beforeChange, 1, 1),
                slot("d2-" + suffix, "Schedule/sched-" + suffix, afterChange, 1, 1),
                slot("d3-" + suffix, "Schedule/sched-" + suffix, nextDay, 1, 1))).execute();

        Bundle day = client.search().forResource(Slot.class).where(Slot.SCHEDULE.hasId("Schedule/sched-" + suffix))
                .and(Slot.START.exactly().day("2027-03-28")).returnBundle(Bundle.class).execute();
        assertValid(day);
        assertThat(day.getEntry()).extracting(e -> ((Slot) e.getResource()).getStartElement().getValueAsString())
                .containsExactly("2027-03-28T01:30:00+01:00", "2027-03-28T03:30:00+02:00");
    }

    /**
     * A date search value stands for the range its precision covers (FHIR R4 search, "date"): a year, a month, a day,
     * a minute, a second or a millisecond; each prefix compares with that range.
     */
    @Test
    void dateSearchesCoverTheRangeTheirPrecisionStandsFor() {
        java.time.ZoneOffset shanghai = java.time.ZoneOffset.ofHours(8);
        OffsetDateTime nine = LocalDate.of(2028, 2, 10).atTime(9, 0).atOffset(shanghai);
        client.transaction().withBundle(transaction(schedule("sched-" + suffix, null),
                slot("p1-" + suffix, "Schedule/sched-" + suffix, nine, 1, 1),
                slot("p2-" + suffix, "Schedule/sched-" + suffix, nine.plusSeconds(40), 1, 1),
                slot("p3-" + suffix, "Schedule/sched-" + suffix, LocalDate.of(2028, 2, 29).atTime(8, 0).atOffset(shanghai), 1, 1),
                slot("p4-" + suffix, "Schedule/sched-" + suffix, LocalDate.of(2028, 3, 1).atTime(8, 0).atOffset(shanghai), 1, 1)))
                .execute();

        assertThat(slotIds("start=2028")).containsExactly("p1", "p2", "p3", "p4");
        assertThat(slotIds("start=2028-02")).containsExactly("p1", "p2", "p3");
        assertThat(slotIds("start=ne2028-02")).containsExactly("p4");
        assertThat(slotIds("start=sa2028-02")).containsExactly("p4");
        assertThat(slotIds("start=eb2028-03")).containsExactly("p1", "p2", "p3");
        assertThat(slotIds("start=gt2028-02-10")).containsExactly("p3", "p4");
        assertThat(slotIds("start=le2028-02-10")).containsExactly("p1", "p2");
        // A minute is all of it; a second is only that second.
        assertThat(slotIds("start=eq2028-02-10T09:00%2B08:00")).containsExactly("p1", "p2");
        assertThat(slotIds("start=2028-02-10T01:00Z")).containsExactly("p1", "p2");
        assertThat(slotIds("start=eq2028-02-10T09:00:00%2B08:00")).containsExactly("p1");
        assertThat(slotIds("start=gt2028-02-10T09:00%2B08:00&start=lt2028-03")).containsExactly("p3");
        assertThat(slotIds("start=ge2028-02-10T09:00:01%2B08:00&start=le2028-02-10T09:00:40.000%2B08:00"))
                .containsExactly("p2");
        // The ends of the calendar are searches like any other, not server errors.
        assertThat(slotIds("start=9999")).isEmpty();
        assertThat(slotIds("start=le9999-12-31")).containsExactly("p1", "p2", "p3", "p4");
        assertThat(slotIds("start=eq9999-12-31T23:59:59.999999999-18:00")).isEmpty();
        assertThat(slotIds("start=gt0000-01")).containsExactly("p1", "p2", "p3", "p4");
        http.get().uri(java.net.URI.create("http://localhost:" + port + "/fhir/r4/Appointment?_lastUpdated=9999-12"))
                .headers(h -> h.setBearerAuth(clientToken())).exchange().expectStatus().isOk();
        http.get().uri(java.net.URI.create("http://localhost:" + port + "/fhir/r4/Slot?schedule=Schedule/sched-" + suffix + "&start=ap2028-02"))
                .headers(h -> h.setBearerAuth(clientToken())).exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.issue[0].diagnostics").value(d -> assertThat((String) d).contains("ap"));

        // meta.lastUpdated is given to the millisecond and kept to the microsecond: eq with the value an Appointment
        // carries finds it.
        OffsetDateTime soon = LocalDate.now().plusDays(4).atTime(11, 0).atOffset(shanghai);
        Bundle pushed = client.transaction().withBundle(transaction(schedule("sched-" + suffix, null),
                slot("p5-" + suffix, "Schedule/sched-" + suffix, soon, 1, 1))).execute();
        String patient = patientToken();
        String booked = book(patient, pushed.getEntry().get(1).getResponse().getLocation().substring(5));
        String me = (String) http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(patient)).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id");
        Appointment appointment = (Appointment) client.search().forResource(Appointment.class)
                .where(Appointment.PATIENT.hasId("Patient/" + me)).returnBundle(Bundle.class).execute()
                .getEntryFirstRep().getResource();
        assertThat(appointment.getIdElement().getIdPart()).isEqualTo(booked);
        String lastUpdated = appointment.getMeta().getLastUpdatedElement().getValueAsString();
        String body = http.get().uri(java.net.URI.create("http://localhost:" + port + "/fhir/r4/Appointment?_lastUpdated=eq"
                        + lastUpdated.replace("+", "%2B")))
                .headers(h -> h.setBearerAuth(clientToken())).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(fhir.newJsonParser().parseResource(Bundle.class, body).getEntry())
                .extracting(e -> e.getResource().getIdElement().getIdPart()).contains(booked);
    }

    /** The external ids (without this test's suffix) of the Slots this search of the test's schedule finds, in order. */
    private List<String> slotIds(String query) {
        String body = http.get().uri(java.net.URI.create("http://localhost:" + port + "/fhir/r4/Slot?schedule=Schedule/sched-" + suffix + "&" + query))
                .headers(h -> h.setBearerAuth(clientToken())).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        return fhir.newJsonParser().parseResource(Bundle.class, body).getEntry().stream()
                .map(e -> ((Slot) e.getResource()).getIdentifierFirstRep().getValue().replace("-" + suffix, ""))
                .toList();
    }

    @Test
    void badRequestsAreOperationOutcomesAndTheScopeIsRequired() {
        http.post().uri("/fhir/r4").headers(h -> h.setBearerAuth(clientToken()))
                .contentType(MediaType.parseMediaType("application/fhir+json")).bodyValue("{\"resourceType\":\"Bundle\",\"type\":\"nonsense\"}")
                .exchange().expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("application/fhir+json"))
                .expectBody().jsonPath("$.resourceType").isEqualTo("OperationOutcome");
        http.get().uri("/fhir/r4/Slot?status=free").headers(h -> h.setBearerAuth(clientToken())).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.issue[0].diagnostics").value(d ->
                        assertThat((String) d).startsWith("schedule is required"));
        http.get().uri("/fhir/r4/Slot?schedule=x&start=zz2026-01-01").headers(h -> h.setBearerAuth(clientToken())).exchange()
                .expectStatus().isBadRequest();
        String withoutFhir = (String) http.post().uri("/oauth2/token").headers(h -> h.setBasicAuth(CLIENT_ID, CLIENT_SECRET))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("grant_type=client_credentials&scope=slots:write")
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("access_token");
        http.get().uri("/fhir/r4/Slot?schedule=x").headers(h -> h.setBearerAuth(withoutFhir)).exchange()
                .expectStatus().isForbidden();
    }

    /** Found by the contract fuzz: HAPI's parser fails with a NullPointerException on an entry without resource. */
    @Test
    void anEntryWhoseResourceIsNullIsAnOperationOutcomeNotAServerError() {
        http.post().uri("/fhir/r4").headers(h -> h.setBearerAuth(clientToken()))
                .contentType(MediaType.parseMediaType("application/fhir+json"))
                .bodyValue("{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"resource\":null}]}")
                .exchange().expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("application/fhir+json"))
                .expectBody().jsonPath("$.resourceType").isEqualTo("OperationOutcome");
    }

    @Test
    void theCapabilityStatementIsValidAndPublic() {
        http.get().uri("/fhir/r4/metadata").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.resourceType").isEqualTo("CapabilityStatement");
        CapabilityStatement capabilities = client.capabilities().ofType(CapabilityStatement.class).execute();
        assertValid(capabilities);
        assertThat(capabilities.getRestFirstRep().getResource()).extracting(r -> r.getType())
                .contains("Slot", "Appointment");
    }

    private Bundle searchSlots(String schedule, String status) {
        var query = client.search().forResource(Slot.class).where(Slot.SCHEDULE.hasId(schedule));
        if (status != null) {
            query = query.and(Slot.STATUS.exactly().code(status));
        }
        return query.returnBundle(Bundle.class).execute();
    }

    private String book(String token, String slotId) {
        return (String) http.post().uri("/api/v1/appointments").headers(h -> {
                    h.setBearerAuth(token);
                    h.set("Idempotency-Key", UUID.randomUUID().toString());
                }).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("slotId", slotId)).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
    }

    private Schedule schedule(String id, String zone) {
        Schedule schedule = new Schedule();
        schedule.setId(id);
        schedule.setMeta(new Meta().setLastUpdated(new Date(1000)));
        schedule.addActor(new Reference("Practitioner/" + seeded.doctorExternalId()));
        if (zone != null) {
            schedule.addExtension(org.hl7.fhir.r4.model.Extension.class.cast(
                    new org.hl7.fhir.r4.model.Extension("http://hl7.org/fhir/StructureDefinition/timezone", new CodeType(zone))));
        }
        return schedule;
    }

    private static Slot slot(String externalId, String schedule, OffsetDateTime start, int capacity, long version) {
        Slot slot = new Slot();
        slot.addIdentifier(new Identifier().setSystem("urn:oid:1.2.156.his.slot").setValue(externalId));
        slot.setSchedule(new Reference(schedule));
        slot.setStatus(Slot.SlotStatus.FREE);
        slot.setStart(Date.from(start.toInstant())).setEnd(Date.from(start.plusMinutes(30).toInstant()));
        slot.setMeta(new Meta().setVersionId(Long.toString(version)));
        slot.addExtension("urn:patientcrm:fhir:slot-capacity", new IntegerType(capacity));
        return slot;
    }

    private static Bundle transaction(org.hl7.fhir.r4.model.Resource... resources) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (org.hl7.fhir.r4.model.Resource resource : resources) {
            String id = resource instanceof Schedule ? resource.getIdElement().getIdPart() : null;
            bundle.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(resource).getRequest()
                    .setMethod(id != null ? Bundle.HTTPVerb.PUT : Bundle.HTTPVerb.POST)
                    .setUrl(id != null ? resource.fhirType() + "/" + id : resource.fhirType());
        }
        return bundle;
    }

    private void assertValid(IBaseResource resource) {
        List<SingleValidationMessage> problems = validator().validateWithResult(resource).getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal()).toList();
        assertThat(problems).as(fhir.newJsonParser().encodeResourceToString(resource)).isEmpty();
    }

    private FhirValidator validator() {
        if (validator == null) {
            FhirContext context = FhirContext.forR4();
            ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(context),
                    new InMemoryTerminologyServerValidationSupport(context), new CommonCodeSystemsTerminologyService(context),
                    new SnapshotGeneratingValidationSupport(context));
            validator = context.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
        }
        return validator;
    }
}

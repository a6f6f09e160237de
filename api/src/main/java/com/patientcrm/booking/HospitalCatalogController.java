package com.patientcrm.booking;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The hospital's systems push departments, doctors and slots (scope slots:write), keyed by their own ids. */
@RestController
class HospitalCatalogController {

    private final Catalog catalog;
    private final SlotStore slots;

    HospitalCatalogController(Catalog catalog, SlotStore slots) {
        this.catalog = catalog;
        this.slots = slots;
    }

    @PutMapping("/integration/v1/departments/{externalId}")
    Mono<BookingDtos.UpsertResult> department(@PathVariable @Size(max = 128) String externalId,
                                              @Valid @RequestBody BookingDtos.DepartmentUpsert body) {
        return catalog.upsertDepartment(externalId, body);
    }

    @PutMapping("/integration/v1/doctors/{externalId}")
    Mono<BookingDtos.UpsertResult> doctor(@PathVariable @Size(max = 128) String externalId,
                                          @Valid @RequestBody BookingDtos.DoctorUpsert body) {
        return catalog.upsertDoctor(externalId, body);
    }

    /** Up to 10,000 slots; each item succeeds or fails on its own and is reported in the answer. */
    @PostMapping("/integration/v1/slots")
    Mono<BookingDtos.SlotBatchResult> slots(@Valid @RequestBody BookingDtos.SlotBatch body) {
        return slots.upsert(body.slots());
    }
}

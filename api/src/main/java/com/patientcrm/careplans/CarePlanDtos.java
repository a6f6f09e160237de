package com.patientcrm.careplans;

import com.fasterxml.jackson.annotation.JsonFormat;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Care plans over HTTP. */
final class CarePlanDtos {

    static final String CONDITION = "[A-Z][0-9]{2}(\\.[0-9A-Z]{1,4})?";

    private CarePlanDtos() {}

    /** The hospital's push: a recurring plan ({@code intervalDays}) or one with explicit {@code dueDates}. */
    record HospitalPlan(@NotBlank @Size(max = 100) String externalId, @NotNull UUID patientId,
                        @NotNull @Pattern(regexp = CONDITION) String conditionCode,
                        @Size(max = 100) String departmentExternalId, @Size(max = 200) String title,
                        @NotNull LocalDate startsOn, LocalDate endsOn, @Min(1) @Max(3650) Integer intervalDays,
                        @Size(min = 1, max = 100) List<@NotNull LocalDate> dueDates, @Size(max = 64) String timeZone,
                        @Pattern(regexp = "ACTIVE|ENDED|CANCELLED") String status, @NotNull @Min(0) Long version) {}

    record UpsertResult(UUID id, String externalId, boolean applied) {}

    /** Staff apply a template to a patient. */
    record Apply(@NotNull UUID patientId, @NotBlank String templateCode, UUID departmentId, LocalDate startsOn,
                 @Size(max = 200) String title) {}

    record NewTemplate(@NotNull @Pattern(regexp = "[a-z0-9][a-z0-9-]{1,62}") String code,
                       @NotBlank @Size(max = 200) String name, @NotNull @Pattern(regexp = CONDITION) String conditionCode,
                       @Min(1) @Max(3650) Integer intervalDays,
                       @Size(min = 1, max = 50) List<@NotNull @Min(0) @Max(36500) Integer> offsetsDays,
                       @Min(1) @Max(36500) Integer durationDays) {}

    record Template(String code, String name, String conditionCode, Integer intervalDays, List<Integer> offsetsDays,
                    Integer durationDays) {}

    record Plan(UUID id, String externalId, UUID patientId, String conditionCode, UUID departmentId, String title,
                String status, LocalDate startsOn, LocalDate endsOn, Integer intervalDays, List<LocalDate> dueDates,
                String timeZone, String source, String templateCode, LocalDate nextDueOn, OffsetDateTime createdAt,
                OffsetDateTime updatedAt) {}

    record Recall(UUID planId, UUID patientId, String patientName, String conditionCode, UUID departmentId,
                  String title, LocalDate startsOn, @JsonFormat(shape = JsonFormat.Shape.STRING) OffsetDateTime lastVisitAt) {}
}

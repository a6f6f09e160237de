package com.patientcrm.privacy;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Request and response bodies of the consent routes. */
final class ConsentDtos {

    private ConsentDtos() {
    }

    static final String KINDS = "privacy_policy|sensitive_health_data|marketing|research|third_party_sharing";

    /** A text in both languages the product speaks. */
    record Localized(@JsonProperty("zh-CN") @NotBlank @Size(max = 100_000) String zhCn,
                     @JsonProperty("en") @NotBlank @Size(max = 100_000) String en) {}

    record NewDocument(@NotNull @Pattern(regexp = KINDS) String kind, @NotNull @Valid Localized title) {}

    record NewVersion(@NotNull @Valid Localized text, OffsetDateTime effectiveAt, @NotNull Boolean required) {}

    record Version(int version, Localized text, OffsetDateTime effectiveAt, boolean required, OffsetDateTime createdAt) {}

    record Document(UUID id, String kind, Localized title, Integer currentVersion, OffsetDateTime retiredAt,
                    OffsetDateTime createdAt, List<Version> versions) {}

    /** What a patient is asked to read and accept: the version of a document in force now. */
    record CurrentDocument(UUID documentId, String kind, Localized title, int version, Localized text,
                           OffsetDateTime effectiveAt, boolean required) {}

    record Decision(@NotNull UUID documentId, @NotNull @Positive Integer version, @NotNull Boolean granted,
                    @Pattern(regexp = "app|mini_program|web") String channel) {}

    record Record(UUID documentId, String kind, int version, boolean granted, OffsetDateTime recordedAt, String channel) {}

    record Missing(UUID documentId, String kind, int version) {}

    /** The latest decision per document, whether it covers the version in force, and the full history. */
    record MyConsents(List<Current> decisions, List<Missing> missing, List<Record> history) {}

    record Current(UUID documentId, String kind, int version, boolean granted, OffsetDateTime recordedAt,
                   boolean upToDate) {}
}

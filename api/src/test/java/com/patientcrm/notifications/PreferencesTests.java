package com.patientcrm.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Contact settings: defaults until chosen, PATCH merges, PUT resets, and nothing invalid is ever stored. */
class PreferencesTests extends IntegrationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Autowired
    Preferences preferences;

    @Test
    void aPatientWhoNeverChoseGetsTheDefaults() {
        StepVerifier.create(preferences.effective(UUID.randomUUID()))
                .assertNext(p -> {
                    assertThat(p).isEqualTo(ContactPreferences.defaults());
                    assertThat(p.optIns()).hasSize(Category.values().length);
                    for (Channel channel : Channel.values()) {
                        assertThat(p.optedIn(Category.MARKETING, channel)).isFalse();
                        assertThat(p.optedIn(Category.SURVEY, channel)).isTrue();
                        assertThat(p.optedIn(Category.APPOINTMENT_CHANGE, channel)).isTrue();
                    }
                    assertThat(p).extracting(ContactPreferences::quietHours, ContactPreferences::language,
                            ContactPreferences::visitTime, ContactPreferences::preferredDoctorIds,
                            ContactPreferences::updatedAt).containsExactly(QuietHours.DEFAULT, "zh-CN", "any", List.of(), null);
                })
                .expectComplete().verify(TIMEOUT);
    }

    @Test
    void patchesMergePerCategoryAndChannel() {
        UUID patient = UUID.randomUUID();

        StepVerifier.create(patch(patient, optIn(Category.MARKETING, Channel.WECHAT, true), "en")
                        .then(patch(patient, optIn(Category.SURVEY, Channel.IN_APP, false), null)))
                .assertNext(p -> {
                    assertThat(p.optedIn(Category.MARKETING, Channel.WECHAT)).isTrue();
                    assertThat(p.optedIn(Category.MARKETING, Channel.APP_PUSH)).isFalse();
                    assertThat(p.optedIn(Category.SURVEY, Channel.IN_APP)).isFalse();
                    assertThat(p.optedIn(Category.SURVEY, Channel.WECHAT)).isTrue();
                    assertThat(p.language()).isEqualTo("en");
                    assertThat(p.updatedAt()).isNotNull();
                })
                .expectComplete().verify(TIMEOUT);
        assertThat(storedOptIns(patient)).isEqualTo("{\"survey.in_app\": false, \"marketing.wechat\": true}");
    }

    @Test
    void replaceResetsWhatIsOmittedToTheDefaults() {
        UUID patient = UUID.randomUUID();
        QuietHours lunch = new QuietHours(true, LocalTime.of(13, 0), LocalTime.of(14, 0), ZoneId.of("Europe/Berlin"));
        PreferenceChanges everything = new PreferenceChanges(optIn(Category.MARKETING, Channel.WECHAT, true), lunch,
                "en", "evening", List.of(UUID.randomUUID(), UUID.randomUUID()));
        PreferenceChanges onlyVisitTime = new PreferenceChanges(null, null, null, "morning", null);

        StepVerifier.create(preferences.update(patient, everything, false)
                        .doOnNext(p -> assertThat(p.quietHours()).isEqualTo(lunch))
                        .then(preferences.update(patient, onlyVisitTime, true)))
                .assertNext(p -> {
                    assertThat(p.visitTime()).isEqualTo("morning");
                    assertThat(p.optIns()).isEqualTo(ContactPreferences.defaults().optIns());
                    assertThat(p.quietHours()).isEqualTo(QuietHours.DEFAULT);
                    assertThat(p.language()).isEqualTo("zh-CN");
                    assertThat(p.preferredDoctorIds()).isEmpty();
                })
                .expectComplete().verify(TIMEOUT);
    }

    @Test
    void switchingOffACriticalCategoryIsRejectedAndChangesNothing() {
        UUID patient = UUID.randomUUID();
        Map<Category, Map<Channel, Boolean>> optIns = Map.of(Category.MARKETING, Map.of(Channel.WECHAT, true),
                Category.APPOINTMENT_CHANGE, Map.of(Channel.WECHAT, false));
        StepVerifier.create(patch(patient, Map.of(), "en")).expectNextCount(1).expectComplete().verify(TIMEOUT);
        ContactPreferences before = preferences.effective(patient).block(TIMEOUT);

        expectRejected(preferences.update(patient, new PreferenceChanges(optIns, null, "zh-CN", null, null), false),
                "optIns.appointment_change.wechat", "critical-category");

        StepVerifier.create(preferences.effective(patient)).expectNext(before).expectComplete().verify(TIMEOUT);
    }

    @Test
    void anUnknownLanguageIsRejected() {
        UUID patient = UUID.randomUUID();

        expectRejected(patch(patient, null, "fr"), "language", "invalid-value");
        assertThat(db.sql("select count(*) as n from notifications.contact_preferences where patient_id = :p")
                .bind("p", patient).map(r -> r.get("n", Long.class)).one().block(TIMEOUT)).isZero();
    }

    @Test
    void otherInvalidValuesAreRejectedByField() {
        UUID doctor = UUID.randomUUID();
        List<UUID> tooMany = IntStream.range(0, 21).mapToObj(i -> UUID.randomUUID()).toList();
        assertRejected(new PreferenceChanges(null, null, null, "night", null), "visitTime");
        assertRejected(new PreferenceChanges(null, null, null, null, tooMany), "preferredDoctorIds");
        assertRejected(new PreferenceChanges(null, null, null, null, List.of(doctor, doctor)), "preferredDoctorIds");
        assertRejected(new PreferenceChanges(null, new QuietHours(true, LocalTime.NOON, null, ZoneId.of("UTC")), null,
                null, null), "quietHours");
    }

    @Test
    void concurrentPatchesOfDifferentCategoriesAllSurvive() {
        UUID patient = UUID.randomUUID();
        List<Mono<ContactPreferences>> patches = new ArrayList<>();
        for (Category category : Category.values()) {
            for (Channel channel : Channel.values()) {
                if (!category.critical()) {
                    patches.add(patch(patient, optIn(category, channel, !category.defaultOptIn()), null));
                }
            }
        }
        patches.add(preferences.update(patient, new PreferenceChanges(null, null, "en", null, null), false));
        patches.add(preferences.update(patient, new PreferenceChanges(null, null, null, "evening", null), false));
        // Every channel of every category that can be switched off, plus two other settings.
        long switchable = java.util.Arrays.stream(Category.values()).filter(c -> !c.critical()).count();
        assertThat(patches).hasSize((int) (switchable * Channel.values().length) + 2);

        StepVerifier.create(Flux.merge(patches).then(preferences.effective(patient)))
                .assertNext(p -> {
                    for (Category category : Category.values()) {
                        for (Channel channel : Channel.values()) {
                            assertThat(p.optedIn(category, channel))
                                    .as(category + "." + channel).isEqualTo(category.critical() || !category.defaultOptIn());
                        }
                    }
                    assertThat(p.language()).isEqualTo("en");
                    assertThat(p.visitTime()).isEqualTo("evening");
                })
                .expectComplete().verify(TIMEOUT);
    }

    @Test
    void erasingForgetsEveryChoice() {
        UUID patient = UUID.randomUUID();

        StepVerifier.create(patch(patient, optIn(Category.MARKETING, Channel.APP_PUSH, true), "en")
                        .then(preferences.erase(patient)).then(preferences.effective(patient)))
                .expectNext(ContactPreferences.defaults())
                .expectComplete().verify(TIMEOUT);
    }

    private Mono<ContactPreferences> patch(UUID patient, Map<Category, Map<Channel, Boolean>> optIns, String language) {
        return preferences.update(patient, new PreferenceChanges(optIns, null, language, null, null), false);
    }

    private void assertRejected(PreferenceChanges changes, String field) {
        expectRejected(preferences.update(UUID.randomUUID(), changes, true), field, "invalid-value");
    }

    private static void expectRejected(Mono<ContactPreferences> update, String field, String reason) {
        StepVerifier.create(update)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(PreferenceRejected.class, r -> {
                    assertThat(r.field()).isEqualTo(field);
                    assertThat(r.reason()).isEqualTo(reason);
                }))
                .verify(TIMEOUT);
    }

    private static Map<Category, Map<Channel, Boolean>> optIn(Category category, Channel channel, boolean on) {
        return Map.of(category, Collections.singletonMap(channel, on));
    }

    private String storedOptIns(UUID patient) {
        return db.sql("select opt_ins::text as o from notifications.contact_preferences where patient_id = :p")
                .bind("p", patient).map(r -> r.get("o", String.class)).one().block(TIMEOUT);
    }
}

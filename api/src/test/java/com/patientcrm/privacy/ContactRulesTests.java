package com.patientcrm.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.notifications.Category;
import com.patientcrm.notifications.Channel;
import com.patientcrm.notifications.ContactDecision;
import com.patientcrm.notifications.ContactPolicy;
import com.patientcrm.support.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

/** The contact check the notifications module asks at send time, against real consent and preference rows. */
class ContactRulesTests extends IntegrationTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final LocalDate DAY = LocalDate.now(SHANGHAI).plusDays(3);
    private static final Instant NOON = ZonedDateTime.of(DAY, LocalTime.NOON, SHANGHAI).toInstant();
    private static final Instant LATE = ZonedDateTime.of(DAY, LocalTime.of(23, 0), SHANGHAI).toInstant();

    @Autowired
    private ContactPolicy policy;

    private ConsentDocumentsFixture documents;

    @BeforeEach
    void setUp() {
        documents = new ConsentDocumentsFixture(http, staffToken());
    }

    @AfterEach
    void retireDocuments() {
        documents.retireAll();
    }

    private ContactDecision ask(UUID patient, Category category, Channel channel, Instant at) {
        return policy.mayContact(patient, category, channel, at).block(Duration.ofSeconds(5));
    }

    private UUID selfId(String token) {
        Map<?, ?> me = http.get().uri("/api/v1/me").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        return UUID.fromString((String) me.get("id"));
    }

    private void patch(String token, Map<String, ?> body) {
        http.patch().uri("/api/v1/me/preferences").headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isOk();
    }

    @Test
    void consentGovernsEverythingButCriticalMessagesAndWithdrawalStopsAtOnce() {
        String token = patientToken();
        UUID patient = selfId(token);
        assertThat(ask(patient, Category.APPOINTMENT_REMINDER, Channel.WECHAT, NOON).verdict())
                .isEqualTo(ContactDecision.Verdict.ALLOW);

        UUID policyDocument = documents.document("privacy_policy");
        documents.version(policyDocument, true);
        assertThat(ask(patient, Category.APPOINTMENT_REMINDER, Channel.WECHAT, NOON))
                .isEqualTo(ContactDecision.deny("no-consent"));
        assertThat(ask(patient, Category.APPOINTMENT_CHANGE, Channel.WECHAT, LATE)).isEqualTo(ContactDecision.allow());

        documents.decide(token, policyDocument, 1, true);
        assertThat(ask(patient, Category.APPOINTMENT_REMINDER, Channel.WECHAT, NOON)).isEqualTo(ContactDecision.allow());
        documents.decide(token, policyDocument, 1, false);
        assertThat(ask(patient, Category.APPOINTMENT_REMINDER, Channel.WECHAT, NOON))
                .isEqualTo(ContactDecision.deny("no-consent"));
        assertThat(ask(patient, Category.APPOINTMENT_REMINDER, Channel.IN_APP, NOON))
                .isEqualTo(ContactDecision.deny("no-consent"));
    }

    @Test
    void marketingNeedsItsOwnConsentAndAnOptIn() {
        String token = patientToken();
        UUID patient = selfId(token);
        assertThat(ask(patient, Category.MARKETING, Channel.WECHAT, NOON))
                .isEqualTo(ContactDecision.deny("no-marketing-consent"));
        UUID marketing = documents.document("marketing");
        documents.version(marketing, false);
        documents.decide(token, marketing, 1, true);
        assertThat(ask(patient, Category.MARKETING, Channel.WECHAT, NOON)).isEqualTo(ContactDecision.deny("opted-out"));
        patch(token, Map.of("channels", Map.of("marketing", Map.of("wechat", true))));
        assertThat(ask(patient, Category.MARKETING, Channel.WECHAT, NOON)).isEqualTo(ContactDecision.allow());
        assertThat(ask(patient, Category.MARKETING, Channel.APP_PUSH, NOON)).isEqualTo(ContactDecision.deny("opted-out"));
    }

    @Test
    void anOptOutHoldsPerChannel() {
        String token = patientToken();
        UUID patient = selfId(token);
        patch(token, Map.of("channels", Map.of("survey", Map.of("wechat", false))));
        assertThat(ask(patient, Category.SURVEY, Channel.WECHAT, NOON)).isEqualTo(ContactDecision.deny("opted-out"));
        assertThat(ask(patient, Category.SURVEY, Channel.APP_PUSH, NOON)).isEqualTo(ContactDecision.allow());
    }

    @Test
    void quietHoursAcrossMidnightDeferPushChannelsToTheWindowsEnd() {
        UUID patient = selfId(patientToken());
        Instant eightNextMorning = ZonedDateTime.of(DAY.plusDays(1), LocalTime.of(8, 0), SHANGHAI).toInstant();
        assertThat(ask(patient, Category.APPOINTMENT_REMINDER, Channel.APP_PUSH, LATE))
                .isEqualTo(ContactDecision.defer(eightNextMorning, "quiet-hours"));
        Instant halfPastOne = ZonedDateTime.of(DAY.plusDays(1), LocalTime.of(1, 30), SHANGHAI).toInstant();
        assertThat(ask(patient, Category.REPORT_READY, Channel.WECHAT, halfPastOne))
                .isEqualTo(ContactDecision.defer(eightNextMorning, "quiet-hours"));
        assertThat(ask(patient, Category.APPOINTMENT_REMINDER, Channel.IN_APP, LATE)).isEqualTo(ContactDecision.allow());
        assertThat(ask(patient, Category.APPOINTMENT_CHANGE, Channel.APP_PUSH, LATE)).isEqualTo(ContactDecision.allow());
    }

    @Test
    void quietHoursInThePatientsOwnZone() {
        String token = patientToken();
        UUID patient = selfId(token);
        ZoneId newYork = ZoneId.of("America/New_York");
        patch(token, Map.of("quietHours", Map.of("enabled", true, "start", "21:00", "end", "07:00",
                "timeZone", newYork.getId())));
        Instant lateInNewYork = ZonedDateTime.of(DAY, LocalTime.of(23, 15), newYork).toInstant();
        assertThat(ask(patient, Category.SURVEY, Channel.APP_PUSH, lateInNewYork)).isEqualTo(ContactDecision.defer(
                ZonedDateTime.of(DAY.plusDays(1), LocalTime.of(7, 0), newYork).toInstant(), "quiet-hours"));
        // 23:00 in Shanghai is mid-morning in New York: no longer quiet for this patient.
        assertThat(ask(patient, Category.SURVEY, Channel.APP_PUSH, LATE)).isEqualTo(ContactDecision.allow());
    }

    @Test
    void aFamilyMemberIsGovernedByTheAccountHolder() {
        String token = patientToken();
        UUID child = UUID.fromString((String) http.post().uri("/api/v1/me/family-members")
                .headers(h -> h.setBearerAuth(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("relationship", "child", "name", "小明"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id"));
        patch(token, Map.of("channels", Map.of("appointment_reminder", Map.of("wechat", false))));
        assertThat(ask(child, Category.APPOINTMENT_REMINDER, Channel.WECHAT, NOON))
                .isEqualTo(ContactDecision.deny("opted-out"));
        assertThat(ask(child, Category.APPOINTMENT_REMINDER, Channel.APP_PUSH, NOON)).isEqualTo(ContactDecision.allow());

        UUID policyDocument = documents.document("privacy_policy");
        documents.version(policyDocument, true);
        assertThat(ask(child, Category.APPOINTMENT_REMINDER, Channel.APP_PUSH, NOON))
                .isEqualTo(ContactDecision.deny("no-consent"));
    }

    @Test
    void anUnknownPatientIsNeverContacted() {
        assertThat(ask(UUID.randomUUID(), Category.SURVEY, Channel.IN_APP, NOON)).isEqualTo(ContactDecision.deny("no-patient"));
    }
}

package com.patientcrm.feedback;

import com.patientcrm.feedback.FeedbackDtos.Ticket;
import com.patientcrm.notifications.Channel;
import com.patientcrm.notifications.NotificationHistory;
import com.patientcrm.notifications.Preferences;
import com.patientcrm.patients.Patients;
import com.patientcrm.patients.Patients.PatientCard;
import com.patientcrm.platform.Problems;
import com.patientcrm.privacy.AuditLog;
import com.patientcrm.reports.ReportSummary;
import com.patientcrm.reports.Reports;
import com.patientcrm.surveys.SubmittedSurvey;
import com.patientcrm.surveys.SurveyResponses;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The staff's 360° view of one patient ({@code GET /staff/v1/patients/{id}}): who they are (masked for the staff
 * member's role), their appointments, care plans, reports (summaries, no results), survey answers, feedback
 * tickets, consents, contact preferences and notification history, in one read that the audit trail records once. Roles: FEEDBACK_AGENT, FEEDBACK_MANAGER, CARE_COORDINATOR,
 * ADMIN. It lives with the feedback CRM, which nothing depends on, because it reads from every module.
 */
@RestController
class PatientView {

    private final Patients patients;
    private final Tickets tickets;
    private final Preferences preferences;
    private final NotificationHistory notifications;
    private final Reports reports;
    private final SurveyResponses surveys;
    private final AuditLog audit;
    private final DatabaseClient db;

    PatientView(Patients patients, Tickets tickets, Preferences preferences, NotificationHistory notifications,
                Reports reports, SurveyResponses surveys, AuditLog audit, DatabaseClient db) {
        this.reports = reports;
        this.surveys = surveys;
        this.patients = patients;
        this.tickets = tickets;
        this.preferences = preferences;
        this.notifications = notifications;
        this.audit = audit;
        this.db = db;
    }

    record Profile(UUID id, String name, String gender, String birthDate, String phone, String nationalId,
                   String address, boolean erased, String masking) {}

    record Appointment(UUID id, String status, OffsetDateTime startsAt, LocalDate localDate, String departmentName,
                       String doctorName) {}

    record CarePlan(UUID id, String conditionCode, String title, String status) {}

    record TicketSummary(UUID id, long number, String source, String category, String priority, boolean negative,
                         String status, String subject, OffsetDateTime createdAt) {}

    record Consent(String kind, int version, boolean granted, OffsetDateTime decidedAt) {}

    record Contact(Map<String, Map<String, Boolean>> channels, String language, boolean quietHours) {}

    record View(Profile profile, List<Appointment> appointments, List<CarePlan> carePlans, List<ReportSummary> reports,
                List<SubmittedSurvey> surveyAnswers, List<TicketSummary> tickets, List<Consent> consents,
                Contact preferences, List<NotificationHistory.Item> notifications) {}

    @GetMapping("/staff/v1/patients/{id}")
    Mono<ResponseEntity<View>> view(Authentication auth, @PathVariable UUID id) {
        return patients.card(id).switchIfEmpty(Mono.error(() -> Problems.notFound("patient")))
                .flatMap(card -> Mono.zip(appointments(id), carePlans(id),
                                reports.summariesFor(id).take(50).collectList(),
                                surveys.submittedBy(id).take(20).collectList(),
                                tickets.about(List.of(id)).map(PatientView::summary).collectList(), consents(id),
                                preferences.effective(id).map(PatientView::contact),
                                notifications.page(id, null, null, 20).map(NotificationHistory.Page::items))
                        .map(parts -> new View(mask(card, auth), parts.getT1(), parts.getT2(), parts.getT3(),
                                parts.getT4(), parts.getT5(), parts.getT6(), parts.getT7(), parts.getT8())))
                .flatMap(view -> audit.read("patient-360", id, id.toString()).thenReturn(view))
                .map(view -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(view));
    }

    /**
     * Care coordinators (who phone patients about their follow-up) and admins see the full record except the
     * national ID number (last four characters only, for everyone). Feedback staff see the name with all but its
     * first character hidden, the phone's last four digits, and the birth year: enough to recognise and address
     * the patient, not to reach them outside the hospital's channels.
     */
    static Profile mask(PatientCard card, Authentication auth) {
        boolean full = StaffRoles.has(auth, "CARE_COORDINATOR") || StaffRoles.has(auth, "ADMIN");
        boolean erased = card.name() == null && card.phone() == null && card.birthDate() == null;
        String id = lastFour(card.nationalId(), '*');
        if (full) {
            return new Profile(card.id(), card.name(), card.gender(),
                    card.birthDate() == null ? null : card.birthDate().toString(), card.phone(), id, card.address(),
                    erased, "coordinator");
        }
        return new Profile(card.id(), maskName(card.name()), card.gender(),
                card.birthDate() == null ? null : Integer.toString(card.birthDate().getYear()),
                lastFour(card.phone(), '*'), id, null, erased, "feedback");
    }

    static String maskName(String name) {
        if (name == null || name.isEmpty()) {
            return name;
        }
        int first = name.offsetByCodePoints(0, 1);
        int rest = name.codePointCount(first, name.length());
        return name.substring(0, first) + "*".repeat(Math.max(1, rest));
    }

    static String lastFour(String value, char mask) {
        if (value == null) {
            return null;
        }
        if (value.length() <= 4) {
            return String.valueOf(mask).repeat(value.length());
        }
        return String.valueOf(mask).repeat(value.length() - 4) + value.substring(value.length() - 4);
    }

    private Mono<List<Appointment>> appointments(UUID patient) {
        return db.sql("select a.id, a.status, a.starts_at, a.local_date, dep.name as department, doc.name as doctor "
                        + "from app.appointments a join app.doctors doc on doc.id = a.doctor_id "
                        + "join app.departments dep on dep.id = doc.department_id where a.patient_id = :patient "
                        + "order by a.starts_at desc limit 50")
                .bind("patient", patient)
                .map(row -> new Appointment(row.get("id", UUID.class), row.get("status", String.class),
                        row.get("starts_at", OffsetDateTime.class), row.get("local_date", LocalDate.class),
                        row.get("department", String.class), row.get("doctor", String.class)))
                .all().collectList();
    }

    private Mono<List<CarePlan>> carePlans(UUID patient) {
        return db.sql("select id, condition_code, title, status from app.care_plans where patient_id = :patient "
                        + "order by created_at desc limit 50")
                .bind("patient", patient)
                .map(row -> new CarePlan(row.get("id", UUID.class), row.get("condition_code", String.class),
                        row.get("title", String.class), row.get("status", String.class)))
                .all().collectList();
    }

    /** The latest decision on each consent document by whoever holds consent for the patient (the account holder). */
    private Mono<List<Consent>> consents(UUID patient) {
        return db.sql("select distinct on (r.document_id) d.kind, r.version, r.granted, r.recorded_at "
                        + "from app.consent_records r join app.consent_documents d on d.id = r.document_id "
                        + "where r.patient_id = coalesce((select owner_patient_id from app.family_links where member_id = :patient "
                        + "limit 1), :patient) order by r.document_id, r.id desc")
                .bind("patient", patient)
                .map(row -> new Consent(row.get("kind", String.class), row.get("version", Integer.class),
                        row.get("granted", Boolean.class), row.get("recorded_at", OffsetDateTime.class)))
                .all().collectList();
    }

    private static TicketSummary summary(Ticket t) {
        return new TicketSummary(t.id(), t.number(), t.source(), t.category(), t.priority(), t.negative(), t.status(),
                t.subject(), t.createdAt());
    }

    private static Contact contact(com.patientcrm.notifications.ContactPreferences settings) {
        Map<String, Map<String, Boolean>> channels = new LinkedHashMap<>();
        for (com.patientcrm.notifications.Category category : com.patientcrm.notifications.Category.values()) {
            Map<String, Boolean> byChannel = new LinkedHashMap<>();
            for (Channel channel : Channel.values()) {
                byChannel.put(channel.code(), settings.optedIn(category, channel));
            }
            channels.put(category.code(), byChannel);
        }
        return new Contact(channels, settings.language(), settings.quietHours() != null);
    }
}

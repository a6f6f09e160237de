package com.patientcrm.privacy;

import com.patientcrm.notifications.NotificationRecords;
import com.patientcrm.notifications.Outbox;
import com.patientcrm.notifications.OutboxEntry;
import com.patientcrm.notifications.OutboxHandler;
import com.patientcrm.notifications.Outcome;
import com.patientcrm.notifications.Preferences;
import com.patientcrm.patients.Patients;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a requested export: the account's profile and family members, their appointments with every status
 * change, waitlist entries, care plans, lab and imaging reports (every version; PDFs by reference), survey
 * invitations with their answers, feedback tickets with their history, declared interests and article reads, the
 * consent ledger, contact preferences, every notification message kept about them (and the inbox and devices), and
 * who accessed their data. Records appear as stored (column names),
 * minus internal keys and hashes.
 */
@Component
class DataExportWriter implements OutboxHandler {

    private final DatabaseClient db;
    private final Patients patients;
    private final Preferences preferences;
    private final Outbox outbox;
    private final NotificationRecords notifications;
    private final JsonMapper json;
    private final Duration lifetime;

    DataExportWriter(DatabaseClient db, Patients patients, Preferences preferences, Outbox outbox,
                     NotificationRecords notifications, JsonMapper json,
                     @Value("${crm.privacy.export-lifetime:PT24H}") Duration lifetime) {
        this.db = db;
        this.patients = patients;
        this.preferences = preferences;
        this.outbox = outbox;
        this.notifications = notifications;
        this.json = json;
        this.lifetime = lifetime;
    }

    @Override
    public Set<String> topics() {
        return Set.of(DataExports.TOPIC);
    }

    @Override
    public Mono<Outcome> handle(OutboxEntry entry) {
        return db.sql("select account_id from app.data_exports where id = :id and status = 'PENDING'")
                .bind("id", entry.subjectId()).map(row -> row.get("account_id", UUID.class)).one()
                .flatMap(account -> contents(account).flatMap(content -> db.sql("update app.data_exports set "
                                + "status = 'READY', content = :content, size_bytes = :size, ready_at = now(), "
                                + "expires_at = now() + cast(:lifetime as interval) where id = :id and status = 'PENDING'")
                        .bind("content", content).bind("size", content.length())
                        .bind("lifetime", lifetime.toSeconds() + " seconds").bind("id", entry.subjectId())
                        .then()))
                .thenReturn(Outcome.done());
    }

    private Mono<String> contents(UUID account) {
        return patients.selfId(account).flatMap(self -> patients.actsFor(account).collectList().flatMap(ids -> {
            UUID[] all = ids.toArray(UUID[]::new);
            return Mono.zip(patients.export(account),
                    rows("select coalesce(jsonb_agg(to_jsonb(a) - 'person_key' order by a.starts_at), '[]') from "
                            + "app.appointments a where a.patient_id = any(cast(:ids as uuid[]))", all),
                    rows("select coalesce(jsonb_agg(to_jsonb(h) order by h.id), '[]') from "
                            + "app.appointment_status_history h join app.appointments a on a.id = h.appointment_id "
                            + "where a.patient_id = any(cast(:ids as uuid[]))", all),
                    rows("select coalesce(jsonb_agg(to_jsonb(w) - 'person_key' order by w.created_at), '[]') from "
                            + "app.waitlist_entries w where w.patient_id = any(cast(:ids as uuid[]))", all),
                    rows("select coalesce(jsonb_agg(to_jsonb(r) order by r.id), '[]') from app.consent_records r "
                            + "where r.patient_id = any(cast(:ids as uuid[]))", all),
                    preferences.effective(self),
                    outbox.history(ids).collectList().zipWith(notifications.export(ids)),
                    Mono.zip(rows("select coalesce(jsonb_agg(to_jsonb(e) order by e.id), '[]') from app.audit_events e "
                                    + "where e.patient_id = any(cast(:ids as uuid[]))", all),
                            rows("select coalesce(jsonb_agg(to_jsonb(c) order by c.created_at), '[]') from "
                                    + "app.care_plans c where c.patient_id = any(cast(:ids as uuid[]))", all),
                            rows("select coalesce(jsonb_agg(to_jsonb(i) order by i.patient_id, i.tag), '[]') from "
                                    + "app.patient_interests i where i.patient_id = any(cast(:ids as uuid[]))", all),
                            rows("select coalesce(jsonb_agg(jsonb_build_object('patient_id', r.patient_id, "
                                    + "'article_id', r.article_id, 'title', a.title, 'read_at', r.read_at) "
                                    + "order by r.read_at), '[]') from app.article_reads r join app.articles a "
                                    + "on a.id = r.article_id where r.patient_id = any(cast(:ids as uuid[]))", all),
                            rows(REPORTS, all), rows(SURVEYS, all), rows(FEEDBACK, all)))
                    .map(parts -> {
                        Map<String, Object> export = new LinkedHashMap<>();
                        export.put("generatedAt", OffsetDateTime.now(ZoneOffset.UTC));
                        export.put("patientIds", ids);
                        export.putAll(parts.getT1());
                        export.put("appointments", parts.getT2());
                        export.put("appointmentStatusHistory", parts.getT3());
                        export.put("waitlistEntries", parts.getT4());
                        export.put("consents", parts.getT5());
                        export.put("preferences", parts.getT6());
                        export.put("notifications", parts.getT7().getT1());
                        export.putAll(parts.getT7().getT2());
                        export.put("carePlans", parts.getT8().getT2());
                        export.put("reports", parts.getT8().getT5());
                        export.put("surveyInvitations", parts.getT8().getT6());
                        export.put("feedbackTickets", parts.getT8().getT7());
                        export.put("interests", parts.getT8().getT3());
                        export.put("articleReads", parts.getT8().getT4());
                        export.put("accessLog", parts.getT8().getT1());
                        return json.writeValueAsString(export);
                    });
        }));
    }

    /**
     * Reports with every version (items or imaging findings as pushed) and their PDF's metadata; the PDF itself is
     * not inlined (it would multiply the export's size), the patient downloads it at {@code download_path}.
     */
    private static final String REPORTS = "select coalesce(jsonb_agg(to_jsonb(r) || jsonb_build_object("
            + "'versions', (select coalesce(jsonb_agg(to_jsonb(v) - 'report_id' order by v.source_version), '[]') "
            + "from app.report_versions v where v.report_id = r.id), "
            + "'pdf', (select jsonb_build_object('source_version', f.source_version, 'size_bytes', f.size_bytes, "
            + "'sha256', f.sha256, 'uploaded_at', f.uploaded_at, 'download_path', '/api/v1/reports/' || r.id || '/pdf') "
            + "from app.report_pdfs f where f.report_id = r.id)) order by r.issued_at), '[]') "
            + "from app.reports r where r.patient_id = any(cast(:ids as uuid[]))";

    /** The patients' survey invitations, each with its answers (one per question). */
    private static final String SURVEYS = "select coalesce(jsonb_agg(to_jsonb(i) || jsonb_build_object('answers', "
            + "(select coalesce(jsonb_agg(to_jsonb(a) - 'invitation_id' order by a.question_id), '[]') "
            + "from app.survey_answers a where a.invitation_id = i.id)) order by i.created_at), '[]') "
            + "from app.survey_invitations i where i.patient_id = any(cast(:ids as uuid[]))";

    /**
     * Feedback tickets about the patients with everything that happened to them (their words, the hospital's
     * replies, staff notes about them, status changes); staff are named by kind only, not by account.
     */
    private static final String FEEDBACK = "select coalesce(jsonb_agg(to_jsonb(t) - 'source_ref' - 'account_id' "
            + "|| jsonb_build_object('history', (select coalesce(jsonb_agg(to_jsonb(e) - 'ticket_id' - 'actor_id' "
            + "- 'source_ref' order by e.id), '[]') from app.feedback_events e where e.ticket_id = t.id)) "
            + "order by t.number), '[]') from app.feedback_tickets t where t.patient_id = any(cast(:ids as uuid[]))";

    private Mono<Object> rows(String sql, UUID[] ids) {
        return db.sql("select (" + sql + ")::text as doc").bind("ids", ids)
                .map(row -> (Object) json.readTree(row.get("doc", String.class))).one();
    }
}

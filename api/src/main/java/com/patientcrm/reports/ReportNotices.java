package com.patientcrm.reports;

import com.patientcrm.notifications.Category;
import com.patientcrm.notifications.Notice;
import com.patientcrm.notifications.NoticeSource;
import com.patientcrm.notifications.OutboxEntry;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * "Report ready" or "report amended", composed when the message is due. Nothing is sent for a report that was
 * cancelled (or withdrawn to preliminary) since, or that a newer version has replaced: that version has its own
 * message. The notice carries the report's title for the in-app text only; pushes get the category's generic text,
 * and no notice ever carries a result.
 */
@Component
class ReportNotices implements NoticeSource {

    private final ReportStore store;
    private final DatabaseClient db;

    ReportNotices(ReportStore store, DatabaseClient db) {
        this.store = store;
        this.db = db;
    }

    @Override
    public Set<String> topics() {
        return Set.of(Reports.TOPIC);
    }

    @Override
    public Optional<Category> category(String topic) {
        return Optional.of(Category.REPORT_READY);
    }

    @Override
    public Mono<Notice> compose(OutboxEntry entry) {
        UUID reportId = UUID.fromString(entry.text("reportId"));
        long version = Long.parseLong(entry.text("version"));
        return store.state(reportId)
                .filter(state -> Reports.visible(state.status()) && state.version() == version)
                .flatMap(state -> announcedBefore(entry, reportId).map(told -> new Notice(Category.REPORT_READY,
                        told ? "report_amended" : "report_ready", Map.of("title", state.title()),
                        "pages/report/detail?id=" + reportId, null)));
    }

    /**
     * "Amended" only to a patient who was told of an earlier version: when the amendment superseded a version before
     * its own notice went out, this is the first they hear of the report, so it is "ready".
     */
    private Mono<Boolean> announcedBefore(OutboxEntry entry, UUID reportId) {
        if (!Boolean.parseBoolean(entry.text("amended"))) {
            return Mono.just(false);
        }
        return db.sql("select exists (select 1 from notifications.outbox where topic = :topic and subject_id = :report "
                        + "and id <> :self and status = 'done') as told")
                .bind("topic", Reports.TOPIC).bind("report", reportId).bind("self", entry.id())
                .map(row -> row.get("told", Boolean.class)).one();
    }
}

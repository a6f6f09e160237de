package com.patientcrm.surveys;

import com.patientcrm.platform.Problems;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * NPS and CSAT, computed in SQL over submitted answers whose invitation was submitted between {@code from} and
 * {@code to} (whole days, inclusive, in the hospital's default zone), by the visit's department or doctor, with an
 * overall row (grouping sets). Answers of erased patients still count: they are detached, not deleted.
 */
@Component
class SurveyAnalytics {

    static final int MAX_DAYS = 366;

    private static final String FROM = "from app.survey_invitations i join app.survey_answers a on a.invitation_id = i.id "
            + "and a.type = :type and a.score is not null ";
    private static final String WHERE = "where i.submitted_at is not null and i.submitted_at >= :from and i.submitted_at < :to "
            + "group by grouping sets ((g.id, g.name), ()) order by g.name nulls first, g.id nulls first";

    private final DatabaseClient db;
    private final Clock clock;
    private final ZoneId zone;

    SurveyAnalytics(DatabaseClient db, Clock clock, @Value("${crm.booking.default-time-zone}") String zone) {
        this.db = db;
        this.clock = clock;
        this.zone = ZoneId.of(zone);
    }

    Mono<SurveyDtos.NpsReport> nps(String groupBy, LocalDate from, LocalDate to) {
        return Mono.fromCallable(() -> range(from, to)).flatMap(range -> nps(groupBy, range));
    }

    private Mono<SurveyDtos.NpsReport> nps(String groupBy, LocalDate[] range) {
        return query("nps", groupBy, range, "count(*) filter (where a.score >= 9) as promoters, "
                + "count(*) filter (where a.score between 7 and 8) as passives, "
                + "count(*) filter (where a.score <= 6) as detractors, "
                + "round(100.0 * (count(*) filter (where a.score >= 9) - count(*) filter (where a.score <= 6)) / nullif(count(*), 0), 1)::float8 as value ")
                .map(row -> new SurveyDtos.NpsGroup(row.get("id", UUID.class), row.get("name", String.class),
                        row.get("responses", Long.class), row.get("promoters", Long.class), row.get("passives", Long.class),
                        row.get("detractors", Long.class), row.get("value", Double.class)))
                .all().collectList()
                .map(rows -> new SurveyDtos.NpsReport(groupBy, range[0], range[1], zone.getId(),
                        overall(rows, g -> g.id() == null, new SurveyDtos.NpsGroup(null, null, 0, 0, 0, 0, null)),
                        rows.stream().filter(g -> g.id() != null).toList()));
    }

    Mono<SurveyDtos.CsatReport> csat(String groupBy, LocalDate from, LocalDate to) {
        return Mono.fromCallable(() -> range(from, to)).flatMap(range -> csat(groupBy, range));
    }

    private Mono<SurveyDtos.CsatReport> csat(String groupBy, LocalDate[] range) {
        return query("rating", groupBy, range, "count(*) filter (where a.score >= 4) as satisfied, "
                + "round(avg(a.score), 2)::float8 as average, "
                + "round(100.0 * count(*) filter (where a.score >= 4) / nullif(count(*), 0), 1)::float8 as value ")
                .map(row -> new SurveyDtos.CsatGroup(row.get("id", UUID.class), row.get("name", String.class),
                        row.get("responses", Long.class), row.get("satisfied", Long.class),
                        row.get("average", Double.class), row.get("value", Double.class)))
                .all().collectList()
                .map(rows -> new SurveyDtos.CsatReport(groupBy, range[0], range[1], zone.getId(),
                        overall(rows, g -> g.id() == null, new SurveyDtos.CsatGroup(null, null, 0, 0, null, null)),
                        rows.stream().filter(g -> g.id() != null).toList()));
    }

    private DatabaseClient.GenericExecuteSpec query(String type, String groupBy, LocalDate[] range, String measures) {
        String group = "doctor".equals(groupBy) ? "join app.doctors g on g.id = i.doctor_id "
                : "join app.departments g on g.id = i.department_id ";
        return db.sql("select g.id, g.name, count(*) as responses, " + measures + FROM + group + WHERE)
                .bind("type", type)
                .bind("from", range[0].atStartOfDay(zone).toOffsetDateTime())
                .bind("to", range[1].plusDays(1).atStartOfDay(zone).toOffsetDateTime());
    }

    /** The period asked for: the last 30 days to today by default; at most a year and a day. */
    private LocalDate[] range(LocalDate from, LocalDate to) {
        LocalDate end = to != null ? to : LocalDate.now(clock.withZone(zone));
        LocalDate start = from != null ? from : end.minusDays(29);
        if (start.isAfter(end)) {
            throw Problems.invalidField("from", "must not be after to");
        }
        if (ChronoUnit.DAYS.between(start, end) >= MAX_DAYS) {
            throw Problems.invalidField("to", "the period may span at most " + MAX_DAYS + " days");
        }
        return new LocalDate[] {start, end};
    }

    private static <T> T overall(List<T> rows, java.util.function.Predicate<T> isTotal, T none) {
        return rows.stream().filter(isTotal).findFirst().orElse(none);
    }
}

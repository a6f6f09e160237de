package com.patientcrm.support;

import com.patientcrm.notifications.Category;
import com.patientcrm.notifications.Notice;
import com.patientcrm.notifications.NoticeSource;
import com.patientcrm.notifications.OutboxEntry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;

/**
 * A notice source for the test topic {@value #TOPIC}: every message is a critical appointment change with fixed
 * wording, so tests can put thousands of real notifications through the notifier and real channels without an
 * appointment behind each. It counts what it composed (per application context, so per instance).
 */
public class TestNotices implements NoticeSource {

    public static final String TOPIC = "test.notice";

    private final AtomicLong composed = new AtomicLong();

    @Override
    public Set<String> topics() {
        return Set.of(TOPIC);
    }

    @Override
    public Mono<Notice> compose(OutboxEntry entry) {
        composed.incrementAndGet();
        return Mono.just(new Notice(Category.APPOINTMENT_CHANGE, "appointment_booked",
                Map.of("doctorName", "Dr Test", "departmentName", "Test clinic", "start", "2026-12-01 09:00",
                        "patientName", "Test"),
                "pages/appointment/detail?id=" + entry.subjectId(), null));
    }

    public long composed() {
        return composed.get();
    }
}

package com.patientcrm.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Notification wording, and WeChat's per-field limits applied without breaking characters. */
class NoticeTextsTests {

    private static final Notice REMINDER = new Notice(Category.APPOINTMENT_REMINDER, "appointment_reminder",
            Map.of("departmentName", "心内科", "doctorName", "陈医生", "start", "2026-12-01 09:00"), "pages/x", null);

    @Test
    void theInboxTextIsInThePatientsLanguageWithTheFactsFilledIn() {
        assertThat(NoticeTexts.full(REMINDER, "zh-CN"))
                .isEqualTo(new NoticeTexts.Text("就诊提醒", "您预约的 心内科 陈医生 医生门诊将于 2026-12-01 09:00 开始，请按时就诊。"));
        assertThat(NoticeTexts.full(REMINDER, "en").body())
                .isEqualTo("Your appointment with 陈医生 (心内科) starts at 2026-12-01 09:00.");
        // An unknown language falls back to Chinese; an unknown template to the generic text.
        assertThat(NoticeTexts.full(REMINDER, "fr").title()).isEqualTo("就诊提醒");
        Notice unknown = new Notice(Category.REPORT_READY, "no_such_template", Map.of(), null, null);
        assertThat(NoticeTexts.full(unknown, "en")).isEqualTo(NoticeTexts.generic(Category.REPORT_READY, "en"));
    }

    @Test
    void aPushCarriesNothingButTheCategory() {
        NoticeTexts.Text push = NoticeTexts.generic(Category.APPOINTMENT_REMINDER, "zh-CN");
        assertThat(push.title() + push.body()).doesNotContain("心内科").doesNotContain("陈医生").doesNotContain("09:00");
    }

    @Test
    void missingFactsLeaveNoPlaceholderBehind() {
        assertThat(NoticeTexts.fill("{a} and {b}", Map.of("a", "x"))).isEqualTo("x and ");
        assertThat(NoticeTexts.fill("$1 {a}", Map.of("a", "$2\\"))).isEqualTo("$1 $2\\");
    }

    @Test
    void weChatFieldsAreCutToTheirTypesLimitOnACharacterBoundary() {
        String longName = "𠀀".repeat(30); // characters outside the BMP: two chars each in Java
        String cut = WeChatFields.fit("thing1", longName);
        assertThat(cut.codePointCount(0, cut.length())).isEqualTo(20);
        assertThat(cut).isEqualTo("𠀀".repeat(19) + "…");
        assertThat(WeChatFields.fit("phrase2", "预约已经取消了")).isEqualTo("预约已经…");
        assertThat(WeChatFields.fit("time3", "2026-12-01 09:00")).isEqualTo("2026-12-01 09:00");

        NotificationProperties.Template template = new NotificationProperties.Template("t", null,
                Map.of("thing1", "departmentName", "thing4", "\"请准时就诊\"", "name5", "patientName"));
        assertThat(WeChatFields.fill(template, REMINDER))
                .containsEntry("thing1", "心内科").containsEntry("thing4", "请准时就诊").containsEntry("name5", "-");
    }
}

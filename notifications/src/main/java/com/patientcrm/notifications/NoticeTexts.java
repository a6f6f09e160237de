package com.patientcrm.notifications;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The wording of notifications in {@code zh-CN} and {@code en}. The in-app text may name the doctor, department
 * and time (it stays on our servers in China); a push through FCM gets only the category's generic title and body,
 * never what the message is about (PIPL's cross-border rule: FCM runs outside China).
 */
final class NoticeTexts {

    /** A title and body ready to show. */
    record Text(String title, String body) {}

    private static final Pattern FIELD = Pattern.compile("\\{([A-Za-z]+)}");

    private static final Map<String, Map<String, Text>> TEMPLATES = Map.ofEntries(Map.entry(
            "careplan_follow_up_general", Map.of(
                    "zh-CN", new Text("复诊提醒", "您的“{title}”随访计划将于 {dueOn} 到期，请及时预约复诊。"),
                    "en", new Text("Follow-up due", "Your follow-up for {title} is due on {dueOn}. Please book a visit."))),
            Map.entry("careplan_recall_general", Map.of(
                    "zh-CN", new Text("复诊召回", "您的“{title}”随访已有较长时间未到院复诊，请及时预约。"),
                    "en", new Text("Time for a check-up",
                            "It has been a while since your last follow-up visit for {title}. Please book a visit."))),
            Map.entry("careplan_follow_up", Map.of(
                    "zh-CN", new Text("复诊提醒", "您的“{title}”随访计划将于 {dueOn} 到期，请及时预约 {departmentName} 门诊。"),
                    "en", new Text("Follow-up due", "Your follow-up for {title} is due on {dueOn}. Please book a visit with {departmentName}."))),
            Map.entry("careplan_recall", Map.of(
                    "zh-CN", new Text("复诊召回", "您的“{title}”随访已有较长时间未到院复诊，请及时预约 {departmentName} 门诊。"),
                    "en", new Text("Time for a check-up",
                            "It has been a while since your last follow-up visit for {title}. Please book a visit with {departmentName}."))),
            Map.entry("appointment_reminder", Map.of(
                    "zh-CN", new Text("就诊提醒", "您预约的 {departmentName} {doctorName} 医生门诊将于 {start} 开始，请按时就诊。"),
                    "en", new Text("Appointment reminder", "Your appointment with {doctorName} ({departmentName}) starts at {start}."))),
            Map.entry("appointment_booked", Map.of(
                    "zh-CN", new Text("预约成功", "您已成功预约 {start} {departmentName} {doctorName} 医生门诊。"),
                    "en", new Text("Appointment booked", "Your appointment with {doctorName} ({departmentName}) at {start} is booked."))),
            Map.entry("appointment_rescheduled", Map.of(
                    "zh-CN", new Text("预约已改期", "您的预约已改至 {start}，{departmentName} {doctorName} 医生。"),
                    "en", new Text("Appointment moved", "Your appointment with {doctorName} ({departmentName}) is now at {start}."))),
            Map.entry("appointment_cancelled", Map.of(
                    "zh-CN", new Text("预约已取消", "您 {start} {departmentName} {doctorName} 医生的预约已取消。"),
                    "en", new Text("Appointment cancelled", "Your appointment with {doctorName} ({departmentName}) at {start} is cancelled."))),
            Map.entry("appointment_cancelled_by_hospital", Map.of(
                    "zh-CN", new Text("停诊通知", "因医院安排，您 {start} {departmentName} {doctorName} 医生的预约已取消。{reason}"),
                    "en", new Text("Appointment cancelled by the hospital",
                            "The hospital has cancelled your appointment with {doctorName} ({departmentName}) at {start}. {reason}"))),
            Map.entry("feedback_reply", Map.of(
                    "zh-CN", new Text("反馈已回复", "医院已回复您的反馈（编号 {number}），请在“我的反馈”中查看。"),
                    "en", new Text("Reply to your feedback", "The hospital has replied to your feedback (no. {number}). "
                            + "Read it under My feedback."))),
            Map.entry("survey_invitation", Map.of(
                    "zh-CN", new Text("满意度调查", "感谢您到 {departmentName} 就诊，诚邀您填写“{title}”，您的意见将帮助我们改进服务。"),
                    "en", new Text("How was your visit?",
                            "Thank you for visiting {departmentName}. Please take a moment to answer \"{title}\"."))),
            Map.entry("article_push", Map.of(
                    "zh-CN", new Text("健康资讯", "为您推荐：{title}"),
                    "en", new Text("Recommended reading", "Recommended for you: {title}"))),
            Map.entry("waitlist_offer", Map.of(
                    "zh-CN", new Text("候补成功", "{departmentName} {doctorName} 医生 {start} 的号源已为您保留至 {holdUntil}，请尽快确认。"),
                    "en", new Text("A place is held for you",
                            "A place with {doctorName} ({departmentName}) at {start} is held for you until {holdUntil}. Confirm it in the app."))),
            Map.entry("waitlist_hold_withdrawn", Map.of(
                    "zh-CN", new Text("候补号源已撤回", "因医院停诊，为您保留的 {departmentName} {doctorName} 医生 {start} 的号源已撤回，您仍在候补队列中原位排队。"),
                    "en", new Text("Held place withdrawn",
                            "The hospital has stopped the session, so the place held for you with {doctorName} ({departmentName}) at {start} is withdrawn. You keep your place on the waitlist."))),
            Map.entry("waitlist_hold_lapsed", Map.of(
                    "zh-CN", new Text("候补保留已过期", "为您保留的 {departmentName} {doctorName} 医生 {start} 的号源未在时限内确认，已释放给下一位候补患者。"),
                    "en", new Text("Held place released",
                            "The place held for you with {doctorName} ({departmentName}) at {start} was not confirmed in time and has gone to the next person waiting."))),
            // The report's title, never a result: which values are abnormal is for the patient to read in the app.
            Map.entry("report_ready", Map.of(
                    "zh-CN", new Text("报告已出", "您的报告“{title}”已出，请在应用内查看。"),
                    "en", new Text("Report ready", "Your report \"{title}\" is ready. Open the app to read it."))),
            Map.entry("report_amended", Map.of(
                    "zh-CN", new Text("报告已更新", "您的报告“{title}”已更新，请在应用内查看最新版本。"),
                    "en", new Text("Report updated",
                            "Your report \"{title}\" has been amended. Open the app to read the latest version."))));

    private static final Map<Category, Map<String, String>> GENERIC_TITLES = Map.of(
            Category.APPOINTMENT_REMINDER, Map.of("zh-CN", "就诊提醒", "en", "Appointment reminder"),
            Category.APPOINTMENT_CHANGE, Map.of("zh-CN", "预约变更", "en", "Appointment update"),
            Category.FOLLOW_UP, Map.of("zh-CN", "复诊提醒", "en", "Follow-up reminder"),
            Category.REPORT_READY, Map.of("zh-CN", "报告已出", "en", "Report ready"),
            Category.SURVEY, Map.of("zh-CN", "满意度调查", "en", "Survey"),
            Category.HEALTH_EDUCATION, Map.of("zh-CN", "健康宣教", "en", "Health tips"),
            Category.FEEDBACK_REPLY, Map.of("zh-CN", "反馈回复", "en", "Reply to your feedback"),
            Category.MARKETING, Map.of("zh-CN", "医院资讯", "en", "News from the hospital"));

    private static final Map<String, String> GENERIC_BODY = Map.of(
            "zh-CN", "您有一条新消息，请打开应用查看。",
            "en", "You have a new message. Open the app to read it.");

    private NoticeTexts() {}

    static boolean knows(String template) {
        return TEMPLATES.containsKey(template);
    }

    /** The full wording for the inbox; a template we do not know falls back to the generic text. */
    static Text full(Notice notice, String language) {
        Map<String, Text> byLanguage = TEMPLATES.get(notice.template());
        if (byLanguage == null) {
            return generic(notice.category(), language);
        }
        Text text = byLanguage.getOrDefault(language, byLanguage.get(ContactPreferences.DEFAULT_LANGUAGE));
        return new Text(fill(text.title(), notice.fields()), fill(text.body(), notice.fields()).strip());
    }

    /** What may travel through a foreign push service: the category, and nothing about the patient. */
    static Text generic(Category category, String language) {
        String lang = GENERIC_BODY.containsKey(language) ? language : ContactPreferences.DEFAULT_LANGUAGE;
        return new Text(GENERIC_TITLES.get(category).get(lang), GENERIC_BODY.get(lang));
    }

    static String fill(String pattern, Map<String, String> fields) {
        Matcher matcher = FIELD.matcher(pattern);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = fields.get(matcher.group(1));
            matcher.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}

package com.patientcrm.notifications;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message a patient sent the hospital in the mini-program's customer-service chat (or an event of that chat), as
 * WeChat pushed it to {@code /wechat/v1/messages}: the typed view of an outbox message of topic {@value #TOPIC}.
 *
 * <p><b>Consumer contract</b> (the feedback CRM): implement {@link OutboxHandler} with
 * {@code topics() = Set.of(InboundMessage.TOPIC)} and read each entry with {@link #of(OutboxEntry)}.
 * {@link OutboxEntry#patientId()} is the patient whose WeChat account sent it, or null when the sender has no account
 * here (an anonymous message: still worth a ticket). {@link OutboxEntry#createdAt()} is when it was received.
 * WeChat's retries are already collapsed into one message (by {@code MsgId}); the dispatcher's at-least-once
 * delivery is not, so make the ticket idempotent on {@link OutboxEntry#id()}. Until such a handler exists the
 * messages wait, pending, and nothing is lost. The sender's openid is deliberately not kept: the patient id is enough.
 *
 * @param msgType     WeChat's {@code MsgType}: {@code text}, {@code image}, {@code miniprogrampage}, {@code event}
 * @param event       for {@code event}, which one (e.g. {@code user_enter_tempsession}); otherwise null
 * @param content     the text of a {@code text} message; null for every other type
 * @param mediaId     the media id of an image (or of a mini-program card's thumbnail), to fetch from WeChat's
 *                    temporary media API while it lasts (3 days); null otherwise. Never the picture or its URL.
 * @param msgId       WeChat's {@code MsgId} (a 64-bit number, kept as text); null for events
 * @param createTime  when WeChat received it
 * @param openidKnown whether the sender's openid belongs to a patient account here (then the entry has a patient)
 */
public record InboundMessage(String msgType, String event, String content, String mediaId, String msgId,
                             Instant createTime, boolean openidKnown) {

    /** The outbox topic of inbound WeChat messages. */
    public static final String TOPIC = "wechat.inbound";

    /** The typed view of an outbox entry of topic {@value #TOPIC}. */
    public static InboundMessage of(OutboxEntry entry) {
        if (!TOPIC.equals(entry.topic())) {
            throw new IllegalArgumentException("Not an inbound WeChat message: " + entry.topic());
        }
        String createTime = entry.text("createTime");
        return new InboundMessage(entry.text("msgType"), entry.text("event"), entry.text("content"),
                entry.text("mediaId"), entry.text("msgId"), createTime == null ? null : Instant.parse(createTime),
                Boolean.parseBoolean(entry.text("openidKnown")));
    }

    /** The outbox payload: these fields by name, the time as an ISO-8601 instant. */
    Map<String, Object> payload() {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("msgType", msgType);
        payload.put("event", event);
        payload.put("content", content);
        payload.put("mediaId", mediaId);
        payload.put("msgId", msgId);
        payload.put("createTime", createTime.toString());
        payload.put("openidKnown", openidKnown);
        return payload;
    }
}

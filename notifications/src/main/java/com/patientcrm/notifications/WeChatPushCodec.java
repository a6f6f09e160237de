package com.patientcrm.notifications;

import cn.binarywang.wx.miniapp.bean.WxMaMessage;
import cn.binarywang.wx.miniapp.config.impl.WxMaDefaultConfigImpl;
import cn.binarywang.wx.miniapp.util.crypt.WxMaCryptUtils;
import com.patientcrm.notifications.WeChatInbound.Rejected;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import me.chanjar.weixin.common.util.crypto.SHA1;

/**
 * WeChat's message push on the wire, through WxJava's own classes: the signatures (SHA-1 over the sorted token,
 * timestamp, nonce and, in safe mode, the ciphertext), the safe-mode decryption, and {@link WxMaMessage} parsing in
 * the configured format. CPU only, but XStream and Gson are not worth running on an event loop: call it on
 * boundedElastic. Exceptions carry no text from the request, so nothing the patient wrote can reach a log.
 */
final class WeChatPushCodec {

    private final String token;
    private final NotificationProperties.DataFormat format;
    /** Null without an EncodingAESKey: safe-mode pushes cannot be read then. */
    private final WxMaCryptUtils crypt;

    WeChatPushCodec(NotificationProperties.WeChat settings) {
        this.token = settings.token();
        this.format = settings.msgDataFormat();
        if (settings.aesKey() == null) {
            this.crypt = null;
        } else {
            WxMaDefaultConfigImpl config = new WxMaDefaultConfigImpl();
            config.setAppid(settings.appid());
            config.setToken(settings.token());
            config.setAesKey(settings.aesKey());
            config.setMsgDataFormat(format.name());
            this.crypt = new WxMaCryptUtils(config);
        }
    }

    /**
     * Whether the signature is ours over these values. Not {@code WxMaService.checkSignature}: that compares with
     * {@code String.equals} (timing) and, given an empty value, logs SHA1's exception, whose message holds the token.
     */
    boolean signed(String signature, String... values) {
        if (signature == null || signature.isEmpty()) {
            return false;
        }
        String[] all = new String[values.length + 1];
        all[0] = token;
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null || values[i].isEmpty()) {
                return false;
            }
            all[i + 1] = values[i];
        }
        return MessageDigest.isEqual(SHA1.gen(all).getBytes(StandardCharsets.US_ASCII),
                signature.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    boolean decrypts() {
        return crypt != null;
    }

    WxMaMessage plain(String body) {
        return parse(body);
    }

    /**
     * A safe-mode push: the {@code msg_signature} must cover its ciphertext before it is decrypted.
     * ({@code WxMaMessage.fromEncryptedJson} decrypts without checking it, so the check is here, for both formats.)
     */
    WxMaMessage encrypted(String body, String timestamp, String nonce, String msgSignature) {
        String ciphertext = parse(body).getEncrypt();
        if (ciphertext == null || !signed(msgSignature, timestamp, nonce, ciphertext)) {
            throw new Rejected(Rejected.Reason.FORGED);
        }
        String plaintext;
        try {
            plaintext = crypt.decrypt(ciphertext);
        } catch (RuntimeException e) {
            throw new Rejected(Rejected.Reason.MALFORMED);
        }
        return parse(plaintext);
    }

    private WxMaMessage parse(String text) {
        // WeChat never sends a DTD; refusing one keeps entity tricks away from XStream whatever its driver does.
        if (format == NotificationProperties.DataFormat.XML && text.toUpperCase(Locale.ROOT).contains("<!DOCTYPE")) {
            throw new Rejected(Rejected.Reason.MALFORMED);
        }
        try {
            WxMaMessage message = format == NotificationProperties.DataFormat.JSON
                    ? WxMaMessage.fromJson(text) : WxMaMessage.fromXml(text);
            if (message == null) {
                throw new Rejected(Rejected.Reason.MALFORMED);
            }
            return message;
        } catch (RuntimeException e) {
            throw e instanceof Rejected rejected ? rejected : new Rejected(Rejected.Reason.MALFORMED);
        }
    }

    /** Our view of a message: the text only of text messages, the media id only of media, never the openid. */
    static InboundMessage inbound(WxMaMessage message, boolean openidKnown) {
        String type = message.getMsgType();
        return new InboundMessage(type, message.getEvent(), "text".equals(type) ? message.getContent() : null,
                message.getMediaId() != null ? message.getMediaId() : message.getThumbMediaId(),
                message.getMsgId() == null ? null : message.getMsgId().toString(),
                Instant.ofEpochSecond(message.getCreateTime()), openidKnown);
    }

    /**
     * One outbox message per WeChat message however often WeChat retries it: by {@code MsgId}, or for events (which
     * have none) by sender, time and event. The openid is hashed so that the key does not keep the identifier.
     */
    static String dedupeKey(WxMaMessage message) {
        if (message.getMsgId() != null) {
            return InboundMessage.TOPIC + ":" + message.getMsgId();
        }
        String event = message.getFromUser() + "|" + message.getCreateTime() + "|" + message.getMsgType() + "|"
                + message.getEvent();
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(event.getBytes(StandardCharsets.UTF_8));
            return InboundMessage.TOPIC + ":event:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

package com.patientcrm.inbox;

import com.patientcrm.support.ExternalFakes;
import com.patientcrm.support.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import me.chanjar.weixin.common.util.crypto.WxCryptUtil;
import org.springframework.web.util.UriBuilder;

/**
 * Builds pushes the way WeChat does: the query signed with the push Token (SHA-1 over the sorted values, computed
 * here independently of the code under test), and for safe mode the body encrypted with WxJava's own crypt class.
 */
public final class WeChatPushes {

    static final String PATH = "/wechat/v1/messages";

    private WeChatPushes() {
    }

    static String sign(String... values) {
        String[] all = Arrays.copyOf(values, values.length + 1);
        all[values.length] = IntegrationTest.WECHAT_MESSAGE_TOKEN;
        Arrays.sort(all);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-1").digest(String.join("", all).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String now() {
        return Long.toString(Instant.now().getEpochSecond());
    }

    static String nonce() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    public static long msgId() {
        return ThreadLocalRandom.current().nextLong(1L << 50, Long.MAX_VALUE);
    }

    /** The query of a plain push signed at this time; {@code signature} may be forged by the caller. */
    public static java.util.function.Function<UriBuilder, java.net.URI> plain(String timestamp, String signatureOverride) {
        String nonce = nonce();
        String signature = signatureOverride != null ? signatureOverride : sign(timestamp, nonce);
        return b -> b.path(PATH).queryParam("signature", signature).queryParam("timestamp", timestamp)
                .queryParam("nonce", nonce).build();
    }

    public static Map<String, Object> text(String openid, long msgId, String content) {
        Map<String, Object> message = message(openid, "text");
        message.put("Content", content);
        message.put("MsgId", msgId);
        return message;
    }

    static Map<String, Object> message(String openid, String type) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("ToUserName", "gh_0a1b2c3d4e5f");
        message.put("FromUserName", openid);
        message.put("CreateTime", Instant.now().getEpochSecond());
        message.put("MsgType", type);
        return message;
    }

    /** A safe-mode push: the ciphertext, and the query with both signatures. */
    record Encrypted(String body, java.util.function.Function<UriBuilder, java.net.URI> uri) {}

    static Encrypted encrypted(String plaintext, boolean forgeMsgSignature) {
        WxCryptUtil crypt = new WxCryptUtil(IntegrationTest.WECHAT_MESSAGE_TOKEN, IntegrationTest.WECHAT_MESSAGE_AES_KEY,
                ExternalFakes.WECHAT_APPID);
        WxCryptUtil.EncryptContext context = crypt.encryptContext(plaintext);
        String msgSignature = forgeMsgSignature ? sign("forged", context.getEncrypt()) : context.getSignature();
        String body = "{\"ToUserName\":\"gh_0a1b2c3d4e5f\",\"Encrypt\":\"" + context.getEncrypt() + "\"}";
        return new Encrypted(body, b -> b.path(PATH)
                .queryParam("signature", sign(context.getTimeStamp(), context.getNonce()))
                .queryParam("timestamp", context.getTimeStamp()).queryParam("nonce", context.getNonce())
                .queryParam("encrypt_type", "aes").queryParam("msg_signature", msgSignature).build());
    }
}

package com.patientcrm.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.binarywang.wx.miniapp.bean.WxMaMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import me.chanjar.weixin.common.util.crypto.SHA1;
import me.chanjar.weixin.common.util.crypto.WxCryptUtil;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The push's wire format in the XML data format (the integration tests use JSON, the mini-program default), and the
 * refusals that need no server: an unconfigured push, a DTD, a forged ciphertext, a malformed EncodingAESKey.
 */
class WeChatPushCodecTests {

    static final String TOKEN = "push-token-1";
    static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    static final String XML = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o-xml]]></FromUserName>"
            + "<CreateTime>1767225600</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好]]></Content>"
            + "<MsgId>23987412345678901</MsgId></xml>";

    static NotificationProperties.WeChat settings(String token, String aesKey, NotificationProperties.DataFormat format) {
        return new NotificationProperties.WeChat("wx-unit", "secret", "http://127.0.0.1:1", "formal", Duration.ofSeconds(5),
                100, Map.of(), token, aesKey, format, 128);
    }

    @Test
    void aPlainXmlPushIsReadWithItsMsgId() {
        WeChatPushCodec codec = new WeChatPushCodec(settings(TOKEN, null, NotificationProperties.DataFormat.XML));
        WxMaMessage message = codec.plain(XML);

        InboundMessage inbound = WeChatPushCodec.inbound(message, false);
        assertThat(inbound.content()).isEqualTo("你好");
        assertThat(inbound.msgId()).isEqualTo("23987412345678901");
        assertThat(inbound.createTime()).hasToString("2026-01-01T00:00:00Z");
        assertThat(WeChatPushCodec.dedupeKey(message)).isEqualTo("wechat.inbound:23987412345678901");
        assertThat(codec.signed(SHA1.gen(TOKEN, "1", "n"), "1", "n")).isTrue();
        assertThat(codec.signed(SHA1.gen(TOKEN, "1", "n"), "2", "n")).isFalse();
        assertThat(codec.signed(SHA1.gen(TOKEN, "1", "n"), "1", "")).isFalse();
    }

    @Test
    void aSafeModeXmlPushIsDecryptedOnlyWithItsOwnMsgSignature() {
        WeChatPushCodec codec = new WeChatPushCodec(settings(TOKEN, AES_KEY, NotificationProperties.DataFormat.XML));
        WxCryptUtil.EncryptContext sealed = new WxCryptUtil(TOKEN, AES_KEY, "wx-unit").encryptContext(XML);
        String body = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[" + sealed.getEncrypt()
                + "]]></Encrypt></xml>";

        assertThat(codec.encrypted(body, sealed.getTimeStamp(), sealed.getNonce(), sealed.getSignature()).getContent())
                .isEqualTo("你好");
        assertThatThrownBy(() -> codec.encrypted(body, sealed.getTimeStamp(), sealed.getNonce(), SHA1.gen("x", "y")))
                .isInstanceOfSatisfying(WeChatInbound.Rejected.class,
                        e -> assertThat(e.reason()).isEqualTo(WeChatInbound.Rejected.Reason.FORGED));
    }

    @Test
    void aDtdIsRefusedBeforeAnyParserSeesIt() {
        WeChatPushCodec codec = new WeChatPushCodec(settings(TOKEN, null, NotificationProperties.DataFormat.XML));
        assertThatThrownBy(() -> codec.plain("<!DOCTYPE xml [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" + XML))
                .isInstanceOfSatisfying(WeChatInbound.Rejected.class,
                        e -> assertThat(e.reason()).isEqualTo(WeChatInbound.Rejected.Reason.MALFORMED));
    }

    @Test
    void withoutATokenEveryPushIsUnavailableAndNothingIsRead() {
        NotificationProperties properties = new NotificationProperties(
                settings(null, null, NotificationProperties.DataFormat.JSON),
                new NotificationProperties.Fcm(null, null, null, Duration.ofSeconds(5), 500),
                new NotificationProperties.Breaker(20, 10, 50, Duration.ofSeconds(30), 3));
        WeChatInbound inbound = new WeChatInbound(properties, (appid, openid) -> Mono.empty(), null, null, null, Clock.systemUTC());

        StepVerifier.create(inbound.receive(new WeChatInbound.Push("s", "1", "n", null, null),
                        Mono.error(new AssertionError("the body must not be read"))))
                .expectErrorSatisfies(e -> assertThat(((WeChatInbound.Rejected) e).reason())
                        .isEqualTo(WeChatInbound.Rejected.Reason.UNAVAILABLE))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void anEncodingAesKeyThatIsNot43Base64CharactersFailsAtStartUp() {
        assertThatThrownBy(() -> settings(TOKEN, "too-short", NotificationProperties.DataFormat.JSON))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("too-short");
        assertThat(settings(TOKEN, AES_KEY, NotificationProperties.DataFormat.JSON).toString())
                .doesNotContain(AES_KEY).doesNotContain(TOKEN).doesNotContain("secret=secret");
    }
}

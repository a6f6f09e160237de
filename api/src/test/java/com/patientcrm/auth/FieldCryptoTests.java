package com.patientcrm.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FieldCryptoTests {

    private final FieldCrypto crypto = new FieldCrypto(new byte[32]);

    @Test
    void encryptionRoundTripsAndIsRandomised() {
        byte[] a = crypto.encrypt("+8613800138000");
        byte[] b = crypto.encrypt("+8613800138000");
        assertThat(a).isNotEqualTo(b);
        assertThat(crypto.decrypt(a)).isEqualTo("+8613800138000");
        assertThat(new String(a, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("13800138000");
    }

    @Test
    void tamperingIsDetected() {
        byte[] sealed = crypto.encrypt("secret");
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> crypto.decrypt(sealed)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void hashesAreStableAndKeyed() {
        byte[] otherKey = new byte[32];
        Arrays.fill(otherKey, (byte) 7);
        assertThat(crypto.hash("x")).isEqualTo(crypto.hash("x"));
        assertThat(new FieldCrypto(otherKey).hash("x")).isNotEqualTo(crypto.hash("x"));
    }

    @Test
    void phoneNumbersHaveOneCanonicalForm() {
        assertThat(PhoneNumbers.normalize("138 0013-8000")).isEqualTo("+8613800138000");
        assertThat(PhoneNumbers.normalize("+86 13800138000")).isEqualTo("+8613800138000");
        assertThat(PhoneNumbers.normalize("0086 13800138000")).isEqualTo("+8613800138000");
        assertThat(PhoneNumbers.normalize("12345")).isNull();
        assertThat(PhoneNumbers.mask("+8613800138000")).isEqualTo("+86*******8000");
    }
}

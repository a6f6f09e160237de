package com.patientcrm.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Encryption at rest (AES-256-GCM) and keyed lookup hashes (HMAC-SHA256) for sensitive identifiers such as
 * phone and national ID numbers. Both keys are derived from one master key so that operators manage one secret.
 * Ciphertext layout: version byte, 12-byte nonce, ciphertext with tag.
 */
@Component
public class FieldCrypto {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec encryptionKey;
    private final SecretKeySpec hashKey;

    @org.springframework.beans.factory.annotation.Autowired
    FieldCrypto(AuthProperties properties) {
        this(masterKey(properties));
    }

    FieldCrypto(byte[] masterKey) {
        if (masterKey.length != 32) {
            throw new IllegalArgumentException("The crypto key must be 32 bytes (base64 of 32 random bytes)");
        }
        this.encryptionKey = new SecretKeySpec(hmac(masterKey, "patientcrm/encryption/v1"), "AES");
        this.hashKey = new SecretKeySpec(hmac(masterKey, "patientcrm/lookup-hash/v1"), "HmacSHA256");
    }

    public byte[] encrypt(String plaintext) {
        if (plaintext == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(128, nonce));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Encryption failed", e);
        }
    }

    public String decrypt(byte[] stored) {
        if (stored == null) {
            return null;
        }
        if (stored.length < 1 + NONCE_BYTES + 16 || stored[0] != VERSION) {
            throw new IllegalStateException("Unknown ciphertext format");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(128, stored, 1, NONCE_BYTES));
            byte[] plain = cipher.doFinal(stored, 1 + NONCE_BYTES, stored.length - 1 - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Decryption failed: wrong key or tampered data", e);
        }
    }

    /** A keyed hash for equality lookups: the same input gives the same bytes, unreadable without the key. */
    public byte[] hash(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(hashKey);
            return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Hashing failed", e);
        }
    }

    /** The keyed hash as URL-safe text, for rate-limit buckets and other string keys. */
    public String hashText(String value) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hash(value));
    }

    private static byte[] masterKey(AuthProperties properties) {
        String configured = properties.cryptoKey();
        String encoded = configured != null && !configured.isBlank() ? configured
                : KeyFiles.readOrCreate(Path.of(properties.dataDir(), "keys", "data-key.b64"), FieldCrypto::newKey);
        return Base64.getDecoder().decode(encoded.trim());
    }

    private static String newKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static byte[] hmac(byte[] key, String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

package com.patientcrm.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The RS256 key our access tokens are signed with. RSA rather than ECDSA because every request verifies a token
 * and the JDK verifies RSA signatures an order of magnitude faster than P-256 ones (measured: ECDSA verification
 * was a quarter of the CPU under the booking benchmark); signing, which RSA does slowly, happens only at sign-in. From configuration ({@code JWT_SIGNING_KEY}, a private JWK)
 * or, in the zero-setup run, generated once and kept under the data directory so tokens survive a restart.
 */
@Component
public class SigningKeys {

    private final RSAKey signingKey;
    private final JWKSet publicSet;

    SigningKeys(AuthProperties properties) {
        String configured = properties.signingKey();
        String json = configured != null && !configured.isBlank() ? configured
                : KeyFiles.readOrCreate(Path.of(properties.dataDir(), "keys", "jwt-signing-key.json"),
                        SigningKeys::generate);
        this.signingKey = parse(json);
        this.publicSet = new JWKSet(signingKey.toPublicJWK());
    }

    RSAKey signingKey() {
        return signingKey;
    }

    public String keyId() {
        return signingKey.getKeyID();
    }

    /** Public keys only, as served at /.well-known/jwks.json. */
    public JWKSet publicKeys() {
        return publicSet;
    }

    private static RSAKey parse(String json) {
        try {
            RSAKey key = RSAKey.parse(json);
            if (!key.isPrivate() || key.size() < 2048 || key.getKeyID() == null) {
                throw new IllegalStateException("The JWT signing key must be a private RSA JWK of 2048 bits or more "
                        + "with a kid (a key file from an older version can be deleted: a new one is generated)");
            }
            return key;
        } catch (ParseException | IllegalArgumentException e) {
            throw new IllegalStateException("The JWT signing key is not a valid JWK", e);
        }
    }

    private static String generate() {
        try {
            return new RSAKeyGenerator(2048)
                    .keyID(UUID.randomUUID().toString())
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .generate()
                    .toJSONString();
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot generate a signing key", e);
        }
    }
}

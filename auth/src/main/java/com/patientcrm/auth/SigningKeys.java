package com.patientcrm.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The ES256 key our access tokens are signed with. From configuration ({@code JWT_SIGNING_KEY}, a private JWK)
 * or, in the zero-setup run, generated once and kept under the data directory so tokens survive a restart.
 */
@Component
public class SigningKeys {

    private final ECKey signingKey;
    private final JWKSet publicSet;

    SigningKeys(AuthProperties properties) {
        String configured = properties.signingKey();
        String json = configured != null && !configured.isBlank() ? configured
                : KeyFiles.readOrCreate(Path.of(properties.dataDir(), "keys", "jwt-signing-key.json"),
                        SigningKeys::generate);
        this.signingKey = parse(json);
        this.publicSet = new JWKSet(signingKey.toPublicJWK());
    }

    ECKey signingKey() {
        return signingKey;
    }

    public String keyId() {
        return signingKey.getKeyID();
    }

    /** Public keys only, as served at /.well-known/jwks.json. */
    public JWKSet publicKeys() {
        return publicSet;
    }

    private static ECKey parse(String json) {
        try {
            ECKey key = ECKey.parse(json);
            if (!key.isPrivate() || !Curve.P_256.equals(key.getCurve()) || key.getKeyID() == null) {
                throw new IllegalStateException("The JWT signing key must be a private EC P-256 JWK with a kid");
            }
            return key;
        } catch (ParseException e) {
            throw new IllegalStateException("The JWT signing key is not a valid JWK", e);
        }
    }

    private static String generate() {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyID(UUID.randomUUID().toString())
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .generate()
                    .toJSONString();
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot generate a signing key", e);
        }
    }
}

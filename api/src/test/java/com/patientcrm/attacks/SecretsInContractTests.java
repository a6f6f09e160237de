package com.patientcrm.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * No answer the contract describes has a property named like a secret (openid, unionid, session key, password,
 * secret, token, hash, person key, claim token, national ID number), except the few {@link Leaks} lists with their
 * reason. The walk follows every response schema of every operation through references, compositions, arrays and
 * maps. (Real answers are checked the same way as the attack suites receive them.)
 */
class SecretsInContractTests {

    @Test
    void noResponseSchemaNamesASecretExceptWhereTheContractMeansIt() {
        Map<String, Set<String>> found = new TreeMap<>();
        Contract.operations().forEach((key, operation) -> operation.getResponses().forEach((status, response) -> {
            ApiResponse resolved = response;
            if (response.get$ref() != null) {
                resolved = Contract.MODEL.getComponents().getResponses()
                        .get(response.get$ref().substring(response.get$ref().lastIndexOf('/') + 1));
            }
            if (resolved.getContent() != null) {
                resolved.getContent().values().forEach(media -> walk(media.getSchema(), key + " " + status, "",
                        new HashSet<>(), found, key + " " + status));
            }
        }));

        Set<String> unintended = new TreeSet<>(found.keySet());
        unintended.removeAll(Leaks.INTENDED_IN_SCHEMAS.keySet());
        assertThat(unintended).as("response properties named like secrets, and where they are answered: %s", found)
                .isEmpty();
        assertThat(found.keySet()).as("every intended exception is still in the contract (else drop it from Leaks)")
                .containsAll(Leaks.INTENDED_IN_SCHEMAS.keySet());
    }

    /** Records {@code Owner.path.to.property} for each suspicious name, the owner being the nearest named schema. */
    private static void walk(Schema<?> schema, String owner, String at, Set<String> seen, Map<String, Set<String>> found,
                             String where) {
        if (schema == null) {
            return;
        }
        if (schema.get$ref() != null) {
            String name = schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1);
            if (seen.add(name)) {
                walk(Contract.resolve(schema), name, "", seen, found, where);
                seen.remove(name);
            }
            return;
        }
        for (List<Schema> parts : java.util.Arrays.asList(schema.getAllOf(), schema.getOneOf(), schema.getAnyOf())) {
            if (parts != null) {
                parts.forEach(part -> walk(part, owner, at, seen, found, where));
            }
        }
        if (schema.getProperties() != null) {
            schema.getProperties().forEach((name, property) -> {
                String path = at.isEmpty() ? name : at + "." + name;
                if (Leaks.forbidden(name)) {
                    found.computeIfAbsent(owner + "." + path, k -> new TreeSet<>()).add(where);
                }
                walk(property, owner, path, seen, found, where);
            });
        }
        walk(schema.getItems(), owner, at, seen, found, where);
        if (schema.getAdditionalProperties() instanceof Schema<?> values) {
            walk(values, owner, at, seen, found, where);
        }
    }
}

package com.patientcrm.attacks;

import com.patientcrm.support.ContractValidator;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The operations of openapi/openapi.yaml as the attack suites see them, keyed {@code "GET /api/v1/appointments/{id}"}:
 * which carry an id in their path, which write, and what their request bodies declare. The suites are generated from
 * these lists, so a route added to the contract without an attack entry fails them.
 */
final class Contract {

    static final OpenAPI MODEL = new OpenAPIV3Parser().read(ContractValidator.CONTRACT.toString());

    private Contract() {
    }

    /** Every operation, in path order. */
    static Map<String, Operation> operations() {
        Map<String, Operation> all = new LinkedHashMap<>();
        MODEL.getPaths().forEach((path, item) -> item.readOperationsMap()
                .forEach((verb, operation) -> all.put(verb.name() + " " + path, operation)));
        return all;
    }

    /** Operations whose path names an object: a template variable such as {id}, {externalId} or {version}. */
    static Set<String> withIdInPath() {
        return keys(key -> key.contains("{"));
    }

    /** Operations that write: POST, PUT and PATCH. */
    static Set<String> writes() {
        return keys(key -> key.startsWith("POST ") || key.startsWith("PUT ") || key.startsWith("PATCH "));
    }

    private static Set<String> keys(Predicate<String> which) {
        Set<String> found = new TreeSet<>();
        operations().keySet().stream().filter(which).forEach(found::add);
        return found;
    }

    /** The request body's media types and their schemas (references resolved); empty when the operation takes none. */
    static Map<String, Schema<?>> requestBodies(String key) {
        RequestBody body = operations().get(key).getRequestBody();
        Map<String, Schema<?>> bodies = new TreeMap<>();
        if (body != null && body.get$ref() != null) {
            body = MODEL.getComponents().getRequestBodies().get(body.get$ref().substring(body.get$ref().lastIndexOf('/') + 1));
        }
        if (body == null || body.getContent() == null) {
            return bodies;
        }
        for (Map.Entry<String, MediaType> media : body.getContent().entrySet()) {
            bodies.put(media.getKey(), resolve(media.getValue().getSchema()));
        }
        return bodies;
    }

    /** The property names a JSON request body declares at this JSON pointer ("" for the top level, "/slots/0"). */
    static Set<String> requestProperties(String key, String pointer) {
        Schema<?> schema = requestBodies(key).get("application/json");
        for (String segment : pointer.isEmpty() ? new String[0] : pointer.substring(1).split("/")) {
            schema = schema == null ? null : resolve(segment.matches("\\d+") ? schema.getItems()
                    : properties(schema).get(segment));
        }
        return schema == null ? Set.of() : new TreeSet<>(properties(schema).keySet());
    }

    /** A schema's properties, with those of the parts it is composed of ({@code allOf}). */
    private static Map<String, Schema> properties(Schema<?> schema) {
        Map<String, Schema> all = new TreeMap<>();
        if (schema.getAllOf() != null) {
            schema.getAllOf().forEach(part -> all.putAll(properties(resolve(part))));
        }
        if (schema.getProperties() != null) {
            all.putAll(schema.getProperties());
        }
        return all;
    }

    /** Follows a {@code $ref} to its component schema (once per level; callers walk the rest). */
    static Schema<?> resolve(Schema<?> schema) {
        Schema<?> current = schema;
        while (current != null && current.get$ref() != null) {
            String ref = current.get$ref();
            current = MODEL.getComponents().getSchemas().get(ref.substring(ref.lastIndexOf('/') + 1));
        }
        return current;
    }
}

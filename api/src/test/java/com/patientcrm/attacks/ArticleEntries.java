package com.patientcrm.attacks;

import static com.patientcrm.attacks.Fixtures.body;

import com.patientcrm.attacks.Matrix.Attacker;
import com.patientcrm.attacks.Matrix.Case;
import com.patientcrm.attacks.Matrix.Entry;
import com.patientcrm.attacks.Matrix.Op;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Health-education articles and campaigns: content editors' objects; a published article is every patient's to read. */
final class ArticleEntries {

    private ArticleEntries() {
    }

    static Map<String, Object> input(String title) {
        return body("title", title, "summary", "About " + title, "body", "Some **advice** about " + title + ".",
                "coverUrl", "https://cdn.example/covers/1.png", "tags", List.of("nutrition"), "conditionCodes", List.of("E11"));
    }

    /** A draft article by this editor; answers its id. */
    static String draft(Fixtures fx, String editor) {
        return fx.expect(201, "POST", "/staff/v1/articles", input("Attack " + UUID.randomUUID()), editor).get("id").asString();
    }

    static String published(Fixtures fx, String editor) {
        String id = draft(fx, editor);
        fx.expect(200, "POST", "/staff/v1/articles/" + id + "/publish", null, editor);
        return id;
    }

    /**
     * A published article is for every patient (reading it records that reader's own read); a draft is for none: it
     * is not found, exactly like a missing one.
     */
    static Entry forPatients() {
        String path = "/api/v1/articles/{id}";
        return new Entry("articles (patient)", List.of("GET " + path, "POST " + path + "/read"), fx -> {
            String editor = Fixtures.staff("CONTENT_EDITOR");
            String published = published(fx, editor);
            String draft = draft(fx, editor);
            List<Op> ops = List.of(new Op("GET", path, null, 200), new Op("POST", path + "/read", null, 200));
            List<Attacker> onPublished = fx.onPatientObject().stream()
                    .map(a -> a.actorKind().equals("patient") ? new Attacker(a.name(), a.actorKind(), a.token(), 200) : a)
                    .toList();
            return List.of(
                    new Case("a published article", Map.of("id", published), fx.patient(), ops, onPublished,
                            fx.readBack("/staff/v1/articles/" + published, editor)),
                    new Case("a draft article", Map.of("id", draft), null, ops, fx.onPatientObject(),
                            fx.readBack("/staff/v1/articles/" + draft, editor)));
        });
    }

    static Entry forEditors() {
        String path = "/staff/v1/articles/{id}";
        return new Entry("articles (staff)", List.of("GET " + path, "PUT " + path, "POST " + path + "/publish",
                "POST " + path + "/unpublish"), fx -> {
            String editor = Fixtures.staff("CONTENT_EDITOR");
            String id = draft(fx, editor);
            Map<String, Object> edit = input("Edited article");
            edit.put("version", 1);
            return List.of(new Case("an article", Map.of("id", id), editor,
                    List.of(new Op("GET", path, null, 200), new Op("PUT", path, edit, 200),
                            new Op("POST", path + "/publish", null, 200), new Op("POST", path + "/unpublish", null, 200)),
                    fx.onStaffObject(fx.patient(), "FEEDBACK_AGENT"), fx.readBack("/staff/v1/articles/" + id, editor)));
        });
    }

    static Entry campaigns() {
        String path = "/staff/v1/campaigns/{id}";
        return new Entry("campaigns", List.of("GET " + path), fx -> {
            String editor = Fixtures.staff("CONTENT_EDITOR");
            String article = published(fx, editor);
            // A segment nobody is in: the campaign is made without writing a message to anyone.
            String id = fx.expect(201, "POST", "/staff/v1/campaigns", Map.of("articleId", article,
                    "category", "health_education", "segment", Map.of("conditionPrefixes", List.of("Z99.89"))), editor)
                    .get("campaignId").asString();
            return List.of(new Case("a campaign", Map.of("id", id), editor, List.of(new Op("GET", path, null, 200)),
                    fx.onStaffObject(fx.patient(), "FEEDBACK_MANAGER"), null));
        });
    }
}

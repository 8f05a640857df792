package dev.pfgm.synthesis;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pfgm.engine.model.PfgmModel;
import dev.pfgm.shared.synthesis.ModelFacts;

/** A model as a synthesis sees it: the facts its parameters are checked against, and its entry in the manifest. */
public final class ModelDescription {
    private ModelDescription() {
    }

    public static ModelFacts facts(PfgmModel m) {
        return ModelFacts.of(m.settings().toJson(), m.dim(), m.isImage() ? m.image().shape() : null, m.classes());
    }

    /** The manifest's "model": the file's SHA-256, kind, dimension, image shape or column names, classes, settings. */
    public static ObjectNode manifestEntry(PfgmModel model, String sha256) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("sha256", sha256).put("kind", model.isImage() ? "image" : "vector").put("dim", model.dim());
        if (model.isImage()) {
            o.put("shape", model.image().shape());
        } else {
            ArrayNode cols = o.putArray("columns");
            PartLayout.of(model).columns().forEach(cols::add);
        }
        o.put("classes", model.classes());
        o.set("settings", model.settings().toJson());
        return o;
    }
}

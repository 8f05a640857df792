package dev.pfgm.engine.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** An evaluation as JSON, the same for `./pfgm eval`'s summary line and an eval job's result. */
public final class EvalReport {
    private EvalReport() {
    }

    /** The table's columns and counts; a figure that does not apply is null. */
    public static ObjectNode json(Evaluation.Result r) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("model", row(r.model()));
        o.set("real", row(r.real()));
        o.set("gaussian", row(r.gaussian()));
        o.put("count", r.count()).put("nll_count", r.nllCount()).put("reference", r.reference())
                .put("sample_nfe", r.sampleNfe()).put("nll_nfe", r.nllNfe());
        if (!Double.isNaN(r.onClass())) {
            o.put("on_class", r.onClass());
            var by = o.putArray("on_class_by_class");
            for (double v : r.onClassByClass()) {
                if (Double.isNaN(v)) {
                    by.addNull();
                } else {
                    by.add(v);
                }
            }
        }
        return o;
    }

    private static ObjectNode row(Evaluation.Row r) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        put(o, "frechet", r.frechet());
        put(o, "confident", r.confident());
        put(o, "class_tv", r.classTv());
        put(o, "bits_per_dim", r.bitsPerDim());
        if (r.classShare().length > 0) {
            var classes = o.putArray("classes");
            for (int k = 0; k < r.classShare().length; k++) {
                ObjectNode c = classes.addObject();
                put(c, "share", r.classShare()[k]);
                put(c, "confident", r.classConfident()[k]);
            }
        }
        return o;
    }

    private static void put(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }
}

package dev.pfgm.synthesis;

import dev.pfgm.engine.model.ImageMeta;
import dev.pfgm.engine.model.PfgmModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The shape of a synthesis's rows as files: a table's column names (from the training data's CSV
 * header; x0, x1, ... when it had none), made unique and kept clear of the label and log_density
 * columns; or an image's channels, height and width.
 */
public record PartLayout(int dim, List<String> columns, int channels, int height, int width) {
    public static final String LABEL = "label";
    public static final String LOG_DENSITY = "log_density";

    public static PartLayout of(PfgmModel model) {
        if (model.isImage()) {
            ImageMeta im = model.image();
            return new PartLayout(model.dim(), null, im.channels(), im.height(), im.width());
        }
        return new PartLayout(model.dim(), columnNames(model.standardizer().columns(), model.dim()), 0, 0, 0);
    }

    public boolean image() {
        return columns == null;
    }

    /** Names for {@code dim} columns: the given ones where usable, unique, never "label" or "log_density". */
    static List<String> columnNames(List<String> given, int dim) {
        Set<String> taken = new HashSet<>(List.of(LABEL, LOG_DENSITY));
        List<String> out = new ArrayList<>();
        for (int j = 0; j < dim; j++) {
            String name = given == null ? "" : clean(given.get(j));
            if (name.isEmpty()) {
                name = "x" + j;
            }
            String unique = name;
            for (int k = 2; taken.contains(unique); k++) {
                unique = name + "_" + k;
            }
            taken.add(unique);
            out.add(unique);
        }
        return out;
    }

    /** Control characters out, surrounding quotes off, at most 128 characters. */
    private static String clean(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "").strip();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            t = t.substring(1, t.length() - 1).replace("\"\"", "\"").strip();
        }
        return t.length() > 128 ? t.substring(0, 128) : t;
    }
}

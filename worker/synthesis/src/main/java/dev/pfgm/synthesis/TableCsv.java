package dev.pfgm.synthesis;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows of a table as CSV (RFC 4180, UTF-8): a header of the column names, then each value as the
 * shortest text that reads back as the same float32, with a label and a log_density column when
 * there are any.
 */
public final class TableCsv {
    private TableCsv() {
    }

    public static void write(OutputStream out, List<String> columns, float[] values, int rows, int[] labels,
            double[] logDensity) throws IOException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        List<String> header = new ArrayList<>();
        columns.forEach(c -> header.add(quote(c)));
        if (labels != null) {
            header.add(PartLayout.LABEL);
        }
        if (logDensity != null) {
            header.add(PartLayout.LOG_DENSITY);
        }
        w.write(String.join(",", header));
        w.write('\n');
        int dim = columns.size();
        StringBuilder line = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            line.setLength(0);
            for (int j = 0; j < dim; j++) {
                if (j > 0) {
                    line.append(',');
                }
                line.append(Float.toString(values[r * dim + j]));
            }
            if (labels != null) {
                line.append(',').append(labels[r]);
            }
            if (logDensity != null) {
                line.append(',').append(Double.toString(logDensity[r]));
            }
            line.append('\n');
            w.append(line);
        }
        w.flush();
    }

    /** RFC 4180: a name with a comma, quote or line break goes in quotes, its quotes doubled. */
    static String quote(String s) {
        return s.matches(".*[,\"\\r\\n].*") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}

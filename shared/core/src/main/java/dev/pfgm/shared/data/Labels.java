package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.Text;
import java.util.ArrayList;
import java.util.List;

/**
 * Class labels: integers 0..{@value #MAX}, one per example. An image set's labels come from their
 * own file (IDX labels, or one column of .npy or .csv); a table's from one of its columns, named by
 * its header or its 0-based index, which then leaves the features.
 */
public final class Labels {
    public static final int MAX = 1000;

    private Labels() {
    }

    /** A table split into its features and the labels of one column. */
    public record Split(Dataset features, int[] labels, String column) {
    }

    /** Labels from a labels file's bytes: format idx, npy or csv; exactly {@code expected} of them. */
    public static int[] read(byte[] bytes, String format, String name, int expected) {
        if (format.equals("idx")) {
            return IdxFile.readLabels(bytes, name, expected);
        }
        Dataset d = switch (format) {
            case "npy" -> NpyFile.readTable(bytes, name, "");
            case "csv" -> CsvFile.readTable(bytes, name, "");
            default -> throw new InvalidInputException(name + ": labels must be idx, npy or csv, not '" + format + "'");
        };
        if (d.dim() != 1 || d.count() != expected) {
            throw new InvalidInputException(name + ": holds " + d.count() + "x" + d.dim() + " values; expected "
                    + expected + " labels in one column");
        }
        return integers(d.values(), name);
    }

    /** Splits {@code table} at its label column {@code spec}: a header name, else a 0-based index. */
    public static Split split(Dataset table, String spec, String name) {
        int at = column(table.columns(), table.dim(), spec, name);
        int dim = table.dim() - 1;
        double[] v = new double[table.count() * dim];
        double[] l = new double[table.count()];
        for (int i = 0; i < table.count(); i++) {
            int k = 0;
            for (int j = 0; j < table.dim(); j++) {
                if (j == at) {
                    l[i] = table.get(i, j);
                } else {
                    v[i * dim + k++] = table.get(i, j);
                }
            }
        }
        List<String> cols = null;
        if (table.columns() != null) {
            cols = new ArrayList<>(table.columns());
            cols.remove(at);
        }
        String column = table.columns() != null ? table.columns().get(at) : Integer.toString(at);
        int[] labels = integers(l, name + ", column '" + column + "'");
        return new Split(new Dataset(table.source(), v, table.count(), dim, table.sha256(), cols), labels, column);
    }

    /**
     * The index of label column {@code spec} among {@code dim} columns: a header name (when
     * {@code columns} is not null), else a 0-based index. Refuses the only column.
     */
    public static int column(java.util.List<String> columns, int dim, String spec, String name) {
        int at = -1;
        if (columns != null) {
            at = columns.indexOf(spec);
        }
        if (at < 0 && spec.matches("\\d{1,9}")) {
            at = Integer.parseInt(spec);
        }
        if (at < 0 || at >= dim) {
            String names = columns == null ? "" : ": " + String.join(", ", columns.size() > 20 ? columns.subList(0, 20)
                    : columns) + (columns.size() > 20 ? ", ..." : "");
            throw new InvalidInputException(name + ": no column '" + Text.printable(spec) + "' to take labels from"
                    + " (the table has " + dim + " columns" + names + "; name one, or give its 0-based index)");
        }
        if (dim < 2) {
            throw new InvalidInputException(name + ": the label column is the only column; nothing is left to model");
        }
        return at;
    }

    /** Value {@code v} of example {@code i} as a label, or an error naming it. */
    public static int label(double v, String name, long i) {
        if (v != Math.rint(v) || v < 0 || v > MAX) {
            throw new InvalidInputException(name + ": label " + i + " is " + v + "; labels are integers 0.." + MAX);
        }
        return (int) v;
    }

    /**
     * {@code counts} when every class 0 .. K-1 has an example: a class-conditional model learns one
     * per label value up to the largest, and labels {7} made an 8-class model drawing 7 classes it
     * never saw (sample --class 0 answered with noise and exit 0).
     */
    public static int[] everyClassUsed(int[] counts, String name) {
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) {
                throw new InvalidInputException(name + ": class " + c + " has no examples; the labels make classes 0.."
                        + (counts.length - 1) + " (the largest label is " + (counts.length - 1) + ") and each needs"
                        + " some: number the classes from 0 without gaps");
            }
        }
        return counts;
    }

    /** Examples per class 0 .. max label. */
    public static int[] counts(int[] labels) {
        int max = 0;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        int[] c = new int[max + 1];
        for (int l : labels) {
            c[l]++;
        }
        return c;
    }

    private static int[] integers(double[] v, String name) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = label(v[i], name, i);
        }
        return out;
    }
}

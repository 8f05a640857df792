package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;

/**
 * A table of points: {@code count} rows of {@code dim} finite values, stored row-major in
 * double precision. {@code source} names where it came from (a path or builtin:NAME) for
 * error messages and provenance; {@code sha256} identifies its content; {@code columns} are the
 * column names of a CSV header (null when the source has none).
 */
public record Dataset(String source, double[] values, int count, int dim, String sha256, java.util.List<String> columns) {

    public Dataset(String source, double[] values, int count, int dim, String sha256) {
        this(source, values, count, dim, sha256, null);
    }

    public Dataset {
        if (count < 1) {
            throw new InvalidInputException(source + ": no data rows");
        }
        if (dim < 1) {
            throw new InvalidInputException(source + ": no columns");
        }
        if (values.length != (long) count * dim) {
            throw new IllegalArgumentException("values has " + values.length + " entries, expected " + count + "x" + dim);
        }
        if (columns != null && columns.size() != dim) {
            throw new IllegalArgumentException(columns.size() + " column names for " + dim + " columns");
        }
        columns = columns == null ? null : java.util.List.copyOf(columns);
        for (int i = 0; i < values.length; i++) {
            if (!fits(values[i])) {
                throw new InvalidInputException(unfit(source + ": value at row " + (i / dim) + ", column " + (i % dim),
                        Double.toString(values[i])));
            }
        }
    }

    /**
     * A value a table may hold: finite and within float32's range, since samples, latents and
     * arrays are written as float32 (1e300 trained a model whose spread overflowed to infinity).
     */
    public static boolean fits(double v) {
        // as float32 reads it: 3.4028235e38, float32's largest value as Java and numpy print it, is a
        // hair above Float.MAX_VALUE as a double and rounds to it
        return Float.isFinite((float) v);
    }

    /** The refusal of a value that does not {@link #fits fit}: {@code where} names the file, row and column. */
    public static String unfit(String where, String value) {
        return where + " is " + value + "; every value must be finite and within float32's range (|x| <= 3.4e38)";
    }

    public double get(int row, int col) {
        return values[row * dim + col];
    }

    /** The first {@code n} rows (or all when there are fewer), sharing nothing with this one. */
    public Dataset head(int n) {
        int k = Math.min(n, count);
        double[] v = new double[k * dim];
        System.arraycopy(values, 0, v, 0, v.length);
        return new Dataset(source, v, k, dim, sha256, columns);
    }
}

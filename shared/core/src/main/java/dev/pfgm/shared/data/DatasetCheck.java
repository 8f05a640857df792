package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.config.Settings;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.List;

/**
 * Checks an uploaded dataset file as the gateway must before storing it, in bounded memory: the
 * file is read once as a stream (a zip entry, a CSV row or 64 KiB at a time), sizes are held to the
 * limits from the headers before anything is allocated, and reading stops once it takes longer
 * than the limit allows. The values are checked (finite, pixel ranges, labels) but not kept.
 */
public final class DatasetCheck {
    private DatasetCheck() {
    }

    /**
     * What a valid upload holds, and the SHA-256 of its bytes (taken in the same read). {@code columns}
     * and label facts only for tables; image size only for images.
     */
    public record Summary(boolean images, int count, int dim, int channels, int height, int width, List<String> columns,
            String labelColumn, int[] classCounts, String sha256) {
        Summary withSha256(String sha) {
            return new Summary(images, count, dim, channels, height, width, columns, labelColumn, classCounts, sha);
        }
    }

    /** The label column named on upload is missing, the only column, or holds values that are not labels. */
    public static final class LabelColumnException extends InvalidInputException {
        private static final long serialVersionUID = 1L;

        LabelColumnException(InvalidInputException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Formats the check reads: npy, csv, idx, png-zip. */
    public static Summary inspect(Path file, String format, String name, String labelColumn, DataLimits limits)
            throws IOException {
        long length = Files.size(file);
        long deadline = System.nanoTime() + limits.parseSeconds() * 1_000_000_000L;
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream raw = new Timed(new DigestInputStream(Files.newInputStream(file), sha), deadline, name,
                limits.parseSeconds()); InputStream buffered = new BufferedInputStream(raw, 1 << 16)) {
            // the readers close what they read (a ZipInputStream does); the rest is drained below
            InputStream in = new FilterInputStream(buffered) {
                @Override
                public void close() {
                }
            };
            Summary s = switch (format) {
                case "npy" -> npy(in, length, name, labelColumn, limits);
                case "csv" -> csv(in, name, labelColumn, limits);
                case "idx" -> {
                    IdxFile.Scan scan = IdxFile.inspect(in, length, name, limits);
                    yield images(name, scan.count(), 1, scan.height(), scan.width());
                }
                case "png-zip" -> {
                    PngZip.Images im = PngZip.inspect(in, length, name, limits);
                    yield images(name, im.count(), im.channels(), im.height(), im.width());
                }
                default -> throw new IllegalArgumentException("format " + format);
            };
            // what the format's reader did not need (a zip's central directory, a gzip trailer) still counts
            buffered.transferTo(java.io.OutputStream.nullOutputStream());
            return s.withSha256(java.util.HexFormat.of().formatHex(sha.digest()));
        }
    }

    private static Summary images(String name, int count, int c, int h, int w) {
        if (count < 1) {
            throw new InvalidInputException(name + ": no images");
        }
        if (h < 2 || w < 2) {
            throw new InvalidInputException(name + ": images of " + h + "x" + w + " pixels are too small");
        }
        return new Summary(true, count, c * h * w, c, h, w, null, null, null, null);
    }

    private static Summary npy(InputStream in, long length, String name, String labelSpec, DataLimits limits)
            throws IOException {
        NpyFile.Header h = NpyFile.header(in, length, name, limits);
        long[] s = h.shape();
        if (s.length > 2) {
            if (h.fortran()) {
                throw new InvalidInputException(name + ": Fortran-ordered arrays of " + s.length
                        + " dimensions are not supported; save it in C order (numpy.ascontiguousarray)");
            }
            ImageNpy.Layout l = ImageNpy.layout(s, name, limits);
            double[] range = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
            NpyFile.values(in, h, (i, v) -> {
                if (!Double.isFinite(v)) {
                    throw new InvalidInputException(name + ": pixel values must be finite; found " + v);
                }
                range[0] = Math.min(range[0], v);
                range[1] = Math.max(range[1], v);
            });
            ImageNpy.scaling(h.eightBit(), range[0], range[1], name);
            return images(name, l.n(), l.c(), l.h(), l.w());
        }
        long rows = s[0];
        long cols = s.length == 2 ? s[1] : 1;
        if (rows == 0) {
            throw new InvalidInputException(name + ": shape " + NpyFile.shapeText(s) + " has no rows");
        }
        if (cols == 0) {
            throw new InvalidInputException(name + ": shape " + NpyFile.shapeText(s) + " has no columns");
        }
        limits.checkColumns(name, cols);
        int at = labelSpec == null ? -1 : labelColumn(() -> Labels.column(null, (int) cols, labelSpec, name));
        ClassCounter classes = new ClassCounter(name + ", column '" + labelSpec + "'");
        NpyFile.values(in, h, (i, v) -> {
            if (!Dataset.fits(v)) {
                throw new InvalidInputException(Dataset.unfit(name + ": value at row " + (i / cols) + ", column "
                        + (i % cols), Double.toString(v)));
            }
            if (i % cols == at) {
                classes.add(v, i / cols);
            }
        });
        return new Summary(false, (int) rows, (int) cols - (at < 0 ? 0 : 1), 0, 0, 0, null,
                at < 0 ? null : Integer.toString(at), at < 0 ? null : classes.counts(), null);
    }

    private static Summary csv(InputStream in, String name, String labelSpec, DataLimits limits) throws IOException {
        int[] at = {-1};
        long[] rows = {0};
        @SuppressWarnings({"unchecked", "rawtypes"}) // a one-slot array the callback below writes to
        List<String>[] names = new List[1];
        ClassCounter classes = new ClassCounter(name + ", column '" + labelSpec + "'");
        List<String> header = CsvFile.read(in, name, limits, new CsvFile.Rows() {
            @Override
            public void header(List<String> h) {
                names[0] = h;
            }

            @Override
            public void row(double[] row) {
                if (rows[0] == 0) {
                    if (labelSpec != null) {
                        at[0] = labelColumn(() -> Labels.column(names[0], row.length, labelSpec, name));
                    }
                }
                limits.checkValues(name, DataLimits.product(rows[0] + 1, row.length), "the table so far");
                if (at[0] >= 0) {
                    classes.add(row[at[0]], rows[0]);
                }
                rows[0]++;
            }
        });
        List<String> columns = names[0];
        String label = null;
        if (at[0] >= 0) {
            label = columns != null ? columns.get(at[0]) : Integer.toString(at[0]);
            columns = new java.util.ArrayList<>(columns == null ? List.of() : columns);
            if (!columns.isEmpty()) {
                columns.remove(at[0]);
            }
        }
        return new Summary(false, (int) rows[0], header.size() - (at[0] < 0 ? 0 : 1), 0, 0, 0,
                columns == null || columns.isEmpty() ? null : columns, label, at[0] < 0 ? null : classes.counts(), null);
    }

    /** A refusal of the label column, told apart so that it can be pinned on the parameter that named it. */
    private static int labelColumn(java.util.function.IntSupplier check) {
        try {
            return check.getAsInt();
        } catch (InvalidInputException e) {
            throw new LabelColumnException(e);
        }
    }

    /** Examples per class, as {@link Labels#counts} would count them. */
    private static final class ClassCounter {
        private final String name;
        private final int[] counts = new int[Labels.MAX + 1];
        private int max = -1;

        ClassCounter(String name) {
            this.name = name;
        }

        void add(double v, long i) {
            int l = labelColumn(() -> Labels.label(v, name, i));
            counts[l]++;
            max = Math.max(max, l);
        }

        int[] counts() {
            int[] c = java.util.Arrays.copyOf(counts, max + 1);
            labelColumn(() -> Labels.everyClassUsed(c, name).length);
            return c;
        }
    }

    /** Fails a read once the deadline has passed, so that no upload holds a checking thread for long. */
    private static final class Timed extends FilterInputStream {
        private final long deadline;
        private final String name;
        private final int seconds;

        Timed(InputStream in, long deadline, String name, int seconds) {
            super(in);
            this.deadline = deadline;
            this.name = name;
            this.seconds = seconds;
        }

        private void check() {
            if (System.nanoTime() > deadline) {
                throw new LimitExceededException(name + ": checking it took longer than " + seconds + " s",
                        Settings.UPLOAD_PARSE_SECONDS.name());
            }
        }

        @Override
        public int read() throws IOException {
            check();
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check();
            return super.read(b, off, len);
        }
    }
}

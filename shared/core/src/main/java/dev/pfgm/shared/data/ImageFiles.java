package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads the inputs of the command line that may hold images: IDX files (optionally gzipped), a
 * .zip of PNGs, a .npy of rank 3 or 4, or builtin:discs (the procedural test set); anything else
 * is a table ({@link DataFiles}). Labels come from an IDX labels file, or a .npy / .csv of
 * integers, one per image.
 */
public final class ImageFiles {
    /** The procedural set: 4,000 grayscale 16x16 images of one disc of radius 2-4 px. */
    public static final String DISCS = "builtin:discs";
    /** How many images builtin:discs holds. */
    public static final int DISCS_COUNT = 4000;
    /** The height and width of builtin:discs' images. */
    public static final int DISCS_SIZE = 16;

    private ImageFiles() {
    }

    /** A loaded input: exactly one of table and images is set; a table's class labels may come with it. */
    public record Loaded(Dataset table, ImageSet images, int[] tableLabels) {
        public Loaded(Dataset table, ImageSet images) {
            this(table, images, null);
        }

        public boolean isImages() {
            return images != null;
        }

        /** The examples' class labels, or null. */
        public int[] labels() {
            return images != null ? images.labels() : tableLabels;
        }

        /**
         * The same data named {@code source} in messages and a model's provenance (the worker's copy of
         * an upload goes by the dataset's id, not by the path of its scratch file).
         */
        public Loaded withSource(String source) {
            return new Loaded(table == null ? null : new Dataset(source, table.values(), table.count(), table.dim(),
                    table.sha256(), table.columns()), images == null ? null : new ImageSet(source, images.pixels(),
                    images.count(), images.channels(), images.height(), images.width(), images.eightBit(),
                    images.labels(), images.sha256()), tableLabels);
        }
    }

    /** Loads {@code spec} as images or a table; {@code labels} (may be null) only for images. */
    public static Loaded load(String spec, String labels, String flag, String labelsFlag) {
        return load(spec, labels, flag, labelsFlag, DataLimits.local());
    }

    /**
     * A grid of the first {@code n} images of an image file checked before ({@code format} npy, idx or
     * png-zip), eight to a row, without reading the rest: a dataset's thumbnails.
     */
    public static byte[] thumbnails(Path file, String format, int n, String name, DataLimits limits) throws java.io.IOException {
        ImageSet some = switch (format) {
            case "idx" -> IdxFile.first(file, n, name, limits);
            case "png-zip" -> PngZip.first(file, n, name, limits);
            case "npy" -> ImageNpy.first(file, n, name, limits);
            default -> throw new IllegalArgumentException("not an image format: " + format);
        };
        return ImageGrid.png(some.pixels(), some.count(), some.channels(), some.height(), some.width(),
                Math.min(8, some.count()), ImageGrid.displayScale(some.height()));
    }

    /** Like {@link #load(String, String, String, String)}, with the file held to {@code limits}. */
    public static Loaded load(String spec, String labels, String flag, String labelsFlag, DataLimits limits) {
        String lower = spec.toLowerCase(Locale.ROOT);
        if (spec.equals(DISCS)) {
            ImageSet d = ProceduralImages.discs(DISCS_COUNT, DISCS_SIZE, 2.0, 4.0, 1);
            // named by its spec, so a model trained on it records where to find its data again
            d = new ImageSet(DISCS, d.pixels(), d.count(), 1, DISCS_SIZE, DISCS_SIZE, false, null, d.sha256());
            return new Loaded(null, withLabels(d, labels, labelsFlag));
        }
        Path path = Path.of(spec);
        if (lower.endsWith(".zip")) {
            String sha = DataFiles.sha256(path, flag);
            try {
                return new Loaded(null, withLabels(PngZip.read(path, spec, limits, sha), labels, labelsFlag));
            } catch (java.io.IOException e) {
                throw DataFiles.unreadable(path, flag, e);
            }
        }
        if (isIdx(lower)) {
            String sha = DataFiles.sha256(path, flag);
            ImageSet images;
            try {
                images = IdxFile.readImages(path, spec, limits, sha);
            } catch (java.io.IOException e) {
                throw DataFiles.unreadable(path, flag, e);
            }
            if (labels != null && isIdx(labels.toLowerCase(Locale.ROOT))) {
                int[] l = IdxFile.readLabels(DataFiles.readBytes(Path.of(labels), labelsFlag), labels, images.count());
                return new Loaded(null, new ImageSet(images.source(), images.pixels(), images.count(), 1,
                        images.height(), images.width(), true, l, images.sha256()));
            }
            return new Loaded(null, withLabels(images, labels, labelsFlag));
        }
        if (lower.endsWith(".npy")) {
            DataFiles.NpyRead r = DataFiles.readNpy(path, flag, limits);
            if (r.array().shape().length >= 3) {
                return new Loaded(null, withLabels(ImageNpy.images(r.array(), spec, r.sha256(), limits), labels, labelsFlag));
            }
            refuseLabels(labels, labelsFlag);
            return new Loaded(r.table(limits), null);
        }
        refuseLabels(labels, labelsFlag);
        return new Loaded(DataFiles.load(spec, flag, limits), null);
    }

    /** Loads images, refusing tables. */
    public static ImageSet images(String spec, String labels, String flag, String labelsFlag) {
        Loaded l = load(spec, labels, flag, labelsFlag);
        if (!l.isImages()) {
            throw new InvalidInputException(flag + ": '" + spec + "' is a table, not images (give IDX, a .zip of"
                    + " PNGs, a .npy of shape [n, h, w] / [n, c, h, w] / [n, h, w, c], or " + DISCS + ")");
        }
        return l.images();
    }

    static boolean isIdx(String lower) {
        return lower.endsWith("-ubyte") || lower.endsWith("-ubyte.gz") || lower.endsWith(".idx")
                || lower.endsWith(".idx.gz");
    }

    private static void refuseLabels(String labels, String labelsFlag) {
        if (labels != null) {
            throw new InvalidInputException(labelsFlag + ": labels go with image data only");
        }
    }

    private static ImageSet withLabels(ImageSet images, String labels, String labelsFlag) {
        if (labels == null) {
            return images;
        }
        int[] l = readLabels(labels, labelsFlag, images.count());
        return new ImageSet(images.source(), images.pixels(), images.count(), images.channels(), images.height(),
                images.width(), images.eightBit(), l, images.sha256());
    }

    /** Integer labels from IDX, .npy or .csv (one column), exactly {@code expected} of them. */
    public static int[] readLabels(String spec, String flag, int expected) {
        String lower = spec.toLowerCase(Locale.ROOT);
        byte[] b = DataFiles.readBytes(Path.of(spec), flag);
        String format = isIdx(lower) ? "idx" : lower.endsWith(".npy") ? "npy" : lower.endsWith(".csv") ? "csv" : null;
        if (format == null) {
            throw new InvalidInputException(flag + ": '" + spec + "' must be IDX labels, .npy or .csv");
        }
        try {
            return Labels.read(b, format, spec, expected);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(flag + ": " + e.getMessage());
        }
    }
}

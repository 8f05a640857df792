package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.config.Config;
import dev.pfgm.shared.config.Setting;
import dev.pfgm.shared.config.Settings;
import java.util.List;
import java.util.Map;

/**
 * How large a dataset file may say it is, checked from its header before anything is allocated:
 * values in all, columns of a table, pixels of one image, zip entries, bytes once unpacked and the
 * unpacked-to-packed ratio, and the seconds reading may take. Every exceeded limit is a
 * {@link LimitExceededException} naming the setting that raises it.
 */
public record DataLimits(long maxValues, int maxColumns, long maxImagePixels, int maxZipEntries,
        long maxUnpackedBytes, int maxUnpackRatio, int parseSeconds) {

    /** numpy's own default refusal (numpy.lib.format, max_header_size): longer headers are not arrays. */
    public static final int NPY_MAX_HEADER = 10_000;
    /** A CSV cell (a number or a column name) longer than this is not one. */
    public static final int CSV_MAX_CELL = 1_000;

    /** The defaults of the settings: for the engine's own files (models, checkpoints) and labels files. */
    public static final DataLimits DEFAULT = new DataLimits(
            Long.parseLong(Settings.MAX_DATASET_VALUES.defaultValue()),
            Integer.parseInt(Settings.MAX_COLUMNS.defaultValue()),
            Long.parseLong(Settings.MAX_IMAGE_PIXELS.defaultValue()),
            Integer.parseInt(Settings.MAX_ZIP_ENTRIES.defaultValue()),
            Long.parseLong(Settings.MAX_UNPACKED_MB.defaultValue()) << 20,
            Integer.parseInt(Settings.MAX_UNPACK_RATIO.defaultValue()),
            Integer.parseInt(Settings.UPLOAD_PARSE_SECONDS.defaultValue()));

    /** The settings these limits are read from. */
    public static final List<Setting> SETTINGS = List.of(Settings.MAX_DATASET_VALUES, Settings.MAX_COLUMNS,
            Settings.MAX_IMAGE_PIXELS, Settings.MAX_ZIP_ENTRIES, Settings.MAX_UNPACKED_MB, Settings.MAX_UNPACK_RATIO,
            Settings.UPLOAD_PARSE_SECONDS);

    /**
     * The limits of the data the command line reads ({@link DataFiles#load}, {@link ImageFiles#load}):
     * the defaults, with any of {@link #SETTINGS} the environment sets, so that the setting a refusal
     * names raises the limit there too. A malformed one is bad input naming it. Not for model files:
     * lowering a data limit must not make a model unreadable.
     */
    public static DataLimits local() {
        return local(System.getenv());
    }

    static DataLimits local(Map<String, String> env) {
        try {
            return from(Config.from(env, SETTINGS));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }

    public static DataLimits from(Config c) {
        return new DataLimits(c.getLong(Settings.MAX_DATASET_VALUES), c.getInt(Settings.MAX_COLUMNS),
                c.getLong(Settings.MAX_IMAGE_PIXELS), c.getInt(Settings.MAX_ZIP_ENTRIES),
                c.getLong(Settings.MAX_UNPACKED_MB) << 20, c.getInt(Settings.MAX_UNPACK_RATIO),
                c.getInt(Settings.UPLOAD_PARSE_SECONDS));
    }

    /** The product of {@code sizes}, or -1 when it does not fit in a long. */
    public static long product(long... sizes) {
        long p = 1;
        for (long s : sizes) {
            if (s < 0) {
                return -1;
            }
            if (s != 0 && p > Long.MAX_VALUE / s) {
                return -1;
            }
            p *= s;
        }
        return p;
    }

    /** Refuses {@code count} values (-1: beyond a long) described as {@code what}. */
    public void checkValues(String name, long count, String what) {
        if (count < 0 || count > maxValues) {
            throw new LimitExceededException(name + ": " + what + " is " + (count < 0 ? "more than 2^63" : count)
                    + " values, more than the " + maxValues + " allowed", Settings.MAX_DATASET_VALUES.name());
        }
    }

    public void checkColumns(String name, long columns) {
        if (columns > maxColumns) {
            throw new LimitExceededException(name + ": " + columns + " columns, more than the " + maxColumns
                    + " allowed", Settings.MAX_COLUMNS.name());
        }
    }

    public void checkImage(String name, long width, long height) {
        long pixels = product(width, height);
        if (pixels < 0 || pixels > maxImagePixels) {
            throw new LimitExceededException(name + ": an image of " + width + "x" + height + " pixels, more than the "
                    + maxImagePixels + " pixels allowed per image", Settings.MAX_IMAGE_PIXELS.name());
        }
    }

    /** Unpacked bytes so far against the absolute limit and the ratio to the packed size. */
    public void checkUnpacked(String name, long unpacked, long packed) {
        if (unpacked > maxUnpackedBytes) {
            throw new LimitExceededException(name + ": more than " + (maxUnpackedBytes >> 20) + " MiB once unpacked",
                    Settings.MAX_UNPACKED_MB.name());
        }
        // small files may compress very well (a blank image); only large expansions count as bombs
        if (unpacked > (64L << 20) && unpacked / Math.max(1, packed) > maxUnpackRatio) {
            throw new LimitExceededException(name + ": unpacks to more than " + maxUnpackRatio + " times its "
                    + packed + " packed bytes (a compression bomb?)", Settings.MAX_UNPACK_RATIO.name());
        }
    }
}

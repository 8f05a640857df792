package dev.pfgm.shared.synthesis;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The file formats of a synthesis's parts. Tables: npy (float32 [rows, d]), csv (a header of the
 * data's column names), parquet (one float column per data column). Images: npy (uint8
 * [n, c, h, w]) and png-tar (WebDataset: 000000123.png, plus 000000123.cls for a class).
 */
public enum OutputFormat {
    NPY("npy", true, true),
    CSV("csv", true, false),
    PARQUET("parquet", true, false),
    PNG_TAR("tar", false, true);

    private final String extension;
    private final boolean tables;
    private final boolean images;

    OutputFormat(String extension, boolean tables, boolean images) {
        this.extension = extension;
        this.tables = tables;
        this.images = images;
    }

    /** The name in params and flags: the constant's, in lower case with dashes (png-tar). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The part files' extension: part-00000.EXT. */
    public String extension() {
        return extension;
    }

    /** Whether models of this kind (images or tables) can write this format. */
    public boolean fits(boolean image) {
        return image ? images : tables;
    }

    public static List<String> names(boolean image) {
        return Arrays.stream(values()).filter(f -> f.fits(image)).map(OutputFormat::wireName).toList();
    }

    /** The format of this wire name, or null. */
    public static OutputFormat parse(String s) {
        for (OutputFormat f : values()) {
            if (f.wireName().equals(s)) {
                return f;
            }
        }
        return null;
    }
}

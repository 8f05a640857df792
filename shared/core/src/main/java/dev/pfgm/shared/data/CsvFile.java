package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.Text;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Comma-separated numeric columns with an optional header row (a first row that is not all
 * numbers; its cells become the column names). Blank lines are skipped; every other row must have
 * the header's column count; a quoted cell (RFC 4180, "" for a quote) may hold commas but not a
 * line break. Read as a stream of characters: memory holds one row, each cell is at most
 * {@value DataLimits#CSV_MAX_CELL} characters and a row at most the limit's columns, so a
 * hostile line fails at its first excess cell.
 */
public final class CsvFile {
    private CsvFile() {
    }

    /** Receives the data rows in order; {@code row} is reused between calls. */
    @FunctionalInterface
    public interface Rows {
        void row(double[] row);

        /** The header's column names, before the first row (not called for a file without one). */
        default void header(List<String> names) {
        }
    }

    public static Dataset readTable(byte[] bytes, String name, String sha256) {
        try {
            return readTable(new ByteArrayInputStream(bytes), name, sha256, DataLimits.DEFAULT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole table, its values held to {@code limits}. */
    public static Dataset readTable(InputStream in, String name, String sha256, DataLimits limits) throws IOException {
        double[][] values = {new double[1024]};
        long[] n = {0};
        List<String> header = read(in, name, limits, row -> {
            long need = n[0] + row.length;
            limits.checkValues(name, need, "the table so far");
            if (need > values[0].length) {
                values[0] = Arrays.copyOf(values[0], (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, 2L * values[0].length)));
            }
            System.arraycopy(row, 0, values[0], (int) n[0], row.length);
            n[0] = need;
        });
        int dim = header.size();
        return new Dataset(name, Arrays.copyOf(values[0], (int) n[0]), (int) (n[0] / dim), dim, sha256,
                header.stream().allMatch(h -> h == null) ? null : header);
    }

    /**
     * Streams the rows of {@code in} (UTF-8) to {@code rows}. Returns the column names, or as many
     * nulls as there are columns when the file has no header. Refuses a file without data rows.
     */
    public static List<String> read(InputStream in, String name, DataLimits limits, Rows rows) throws IOException {
        Reader r = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
        Tokens t = new Tokens(new java.io.BufferedReader(r, 1 << 16), name, limits);
        List<String> header = null;
        double[] row = null;
        long count = 0;
        try {
            List<String> cells;
            while ((cells = t.nextRow()) != null) {
                if (header == null && count == 0 && !isNumericRow(cells)) {
                    header = new ArrayList<>();
                    for (String c : cells) {
                        header.add(c.trim());
                    }
                    checkNames(header, name);
                    row = new double[cells.size()];
                    rows.header(header);
                    continue;
                }
                if (row == null) {
                    row = new double[cells.size()];
                }
                if (cells.size() != row.length) {
                    throw new InvalidInputException(name + ": line " + t.line + " has " + cells.size()
                            + " columns, expected " + row.length);
                }
                for (int j = 0; j < row.length; j++) {
                    row[j] = parseCell(cells.get(j), name, t.line, j + 1);
                }
                rows.row(row);
                count++;
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InvalidInputException(name + ": line " + t.line + " is not UTF-8 text");
        }
        if (count == 0) {
            throw new InvalidInputException(name + ": no data rows");
        }
        if (header == null) {
            header = new ArrayList<>(java.util.Collections.nCopies(row.length, null));
        }
        return header;
    }

    /**
     * A header names each column once, in printable text: the names pick a label column and head the
     * samples a model writes, so an empty, repeated or control-character name would pick or write
     * the wrong thing.
     */
    private static void checkNames(List<String> header, String name) {
        Map<String, Integer> seen = new HashMap<>();
        for (int j = 0; j < header.size(); j++) {
            String h = header.get(j);
            if (h.isEmpty()) {
                throw new InvalidInputException(name + ": header column " + (j + 1) + " has no name (pandas writes"
                        + " its index so; write the file with index=False, or name the column)");
            }
            if (h.codePoints().anyMatch(Character::isISOControl)) {
                throw new InvalidInputException(name + ": header column " + (j + 1) + " has a control character in"
                        + " its name");
            }
            Integer before = seen.put(h, j + 1);
            if (before != null) {
                throw new InvalidInputException(name + ": header columns " + before + " and " + (j + 1) + " are both"
                        + " named '" + Text.printable(h) + "'");
            }
        }
    }

    /** Splits characters into rows of cells, holding at most one row. */
    private static final class Tokens {
        private final Reader in;
        private final String name;
        private final DataLimits limits;
        private final StringBuilder cell = new StringBuilder();
        private final List<String> cells = new ArrayList<>();
        private int line;
        private boolean first = true;

        Tokens(Reader in, String name, DataLimits limits) {
            this.in = in;
            this.name = name;
            this.limits = limits;
        }

        /** The next row that is not blank, or null at the end. */
        List<String> nextRow() throws IOException {
            while (true) {
                cells.clear();
                cell.setLength(0);
                line++;
                boolean quoted = false;
                boolean any = false;
                int ch;
                while (true) {
                    ch = in.read();
                    if (first) {
                        first = false;
                        if (ch == '\uFEFF') {
                            continue;
                        }
                    }
                    if (ch == -1 || (!quoted && (ch == '\n' || ch == '\r'))) {
                        break;
                    }
                    if (ch == '\n' || ch == '\r') {
                        throw new InvalidInputException(name + ": line " + line + " has a quoted cell that does not"
                                + " end on its line");
                    }
                    any = true;
                    if (quoted) {
                        if (ch == '"') {
                            in.mark(1);
                            int next = in.read();
                            if (next == '"') {
                                add('"');
                            } else {
                                quoted = false;
                                if (next != -1) {
                                    in.reset();
                                }
                            }
                        } else {
                            add((char) ch);
                        }
                    } else if (ch == '"') {
                        quoted = true;
                    } else if (ch == ',') {
                        endCell();
                    } else {
                        add((char) ch);
                    }
                }
                if (quoted) {
                    throw new InvalidInputException(name + ": line " + line + " has a quoted cell that does not end");
                }
                if (ch == '\r') {
                    in.mark(1);
                    if (in.read() != '\n') {
                        in.reset();
                    }
                }
                if (any) {
                    endCell();
                    boolean blank = cells.size() == 1 && cells.get(0).isBlank();
                    if (!blank) {
                        return cells;
                    }
                }
                if (ch == -1) {
                    return null;
                }
            }
        }

        private void add(char ch) {
            if (cell.length() >= DataLimits.CSV_MAX_CELL) {
                throw new InvalidInputException(name + ": line " + line + ", column " + (cells.size() + 1)
                        + " is longer than " + DataLimits.CSV_MAX_CELL + " characters");
            }
            cell.append(ch);
        }

        private void endCell() {
            if (cells.size() >= limits.maxColumns()) {
                limits.checkColumns(name + ": line " + line, cells.size() + 1L);
            }
            cells.add(cell.toString());
            cell.setLength(0);
        }
    }

    private static boolean isNumericRow(List<String> cells) {
        for (String c : cells) {
            try {
                number(c.strip());
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    private static double parseCell(String cell, String name, int line, int col) {
        // strip(), not trim(): trim() drops every character up to a space, so "\0" + "2" was read as 2;
        // strip() leaves control characters to number(), which refuses them
        String c = cell.strip();
        try {
            double v = number(c);
            if (!Dataset.fits(v)) {
                throw new InvalidInputException(Dataset.unfit(name + ": line " + line + ", column " + col,
                        "'" + c + "'"));
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidInputException(name + ": line " + line + ", column " + col + " is '"
                    + Text.printable(c) + "', not a number");
        }
    }

    /**
     * A decimal number (or NaN/Infinity, refused as not finite by the caller). Java's parseDouble
     * also reads hexadecimal ("0x1p3") and type suffixes ("1f", "2d"), which no CSV writer means.
     */
    private static double number(String c) {
        boolean suffixed = !c.isEmpty() && Character.isLetter(c.charAt(c.length() - 1)) && !c.endsWith("NaN")
                && !c.endsWith("Infinity");
        if (suffixed) {
            throw new NumberFormatException(c);
        }
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            if (ch == 'x' || ch == 'X' || ch < 0x20) { // parseDouble trims NUL and the like away: "\0" + "2" read 2
                throw new NumberFormatException(c);
            }
        }
        return Double.parseDouble(c);
    }
}

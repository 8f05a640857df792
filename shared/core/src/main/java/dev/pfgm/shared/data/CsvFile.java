package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Comma-separated numeric columns with an optional header row (a first row that is not all
 * numbers; its cells become the column names). Blank lines are skipped; every other row must have
 * the header's column count.
 */
public final class CsvFile {
    private CsvFile() {
    }

    public static Dataset readTable(byte[] bytes, String name, String sha256) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] lines = text.split("\r\n|\n|\r", -1);
        int dim = -1;
        boolean headerAllowed = true;
        List<String> header = null;
        List<double[]> rows = new ArrayList<>();
        for (int ln = 0; ln < lines.length; ln++) {
            String line = lines[ln].trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] cells = line.indexOf('"') < 0 ? line.split(",", -1) : quotedCells(line);
            if (headerAllowed && !isNumericRow(cells)) {
                dim = cells.length;
                header = new ArrayList<>();
                for (String c : cells) {
                    header.add(c.trim());
                }
                headerAllowed = false;
                continue;
            }
            headerAllowed = false;
            if (dim < 0) {
                dim = cells.length;
            } else if (cells.length != dim) {
                throw new InvalidInputException(name + ": line " + (ln + 1) + " has " + cells.length
                        + " columns, expected " + dim);
            }
            double[] row = new double[dim];
            for (int j = 0; j < dim; j++) {
                row[j] = parseCell(cells[j], name, ln + 1, j + 1);
            }
            rows.add(row);
        }
        if (rows.isEmpty()) {
            throw new InvalidInputException(name + ": no data rows");
        }
        double[] values = new double[rows.size() * dim];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, values, i * dim, dim);
        }
        return new Dataset(name, values, rows.size(), dim, sha256, header);
    }

    /** RFC 4180 cells: a quoted cell may hold commas, and "" inside it is one quote. */
    static String[] quotedCells(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        out.add(cell.toString());
        return out.toArray(new String[0]);
    }

    private static boolean isNumericRow(String[] cells) {
        for (String c : cells) {
            try {
                Double.parseDouble(c.trim());
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    private static double parseCell(String cell, String name, int line, int col) {
        String c = cell.trim();
        try {
            double v = Double.parseDouble(c);
            if (!Double.isFinite(v)) {
                throw new InvalidInputException(name + ": line " + line + ", column " + col + " is '" + c
                        + "'; every value must be finite");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidInputException(name + ": line " + line + ", column " + col + " is '" + c
                    + "', not a number");
        }
    }
}

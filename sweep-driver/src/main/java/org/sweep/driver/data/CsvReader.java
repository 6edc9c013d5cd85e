package org.sweep.driver.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reader of comma-separated files (RFC 4180 fields: optional double quotes, {@code ""} inside
 * quotes for a quote; no line breaks inside fields), plain or gzipped. Line 1 is the header; the
 * label column is named there and every other column is a numeric feature. Blank lines are
 * skipped. Lines are numbered from 1 in messages ({@code file:line: problem}).
 */
final class CsvReader {
    private CsvReader() {
    }

    /** Reads every row into the collector. */
    static void read(DataSource src, RowCollector out) {
        String file = src.path();
        Path p = FileInput.requireFile(file, "CSV file");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(FileInput.open(p), StandardCharsets.UTF_8))) {
            String line = in.readLine();
            int lineNo = 1;
            while (line != null && line.isBlank()) {
                line = in.readLine();
                lineNo++;
            }
            if (line == null) {
                throw new DataException(file + ": CSV file is empty (no header row)");
            }
            if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1);
            }
            List<String> header = split(line, file, lineNo);
            int labelCol = -1;
            for (int k = 0; k < header.size(); k++) {
                if (header.get(k).trim().equals(src.labelColumn())) {
                    if (labelCol >= 0) {
                        throw new DataException(file + ":" + lineNo + ": label column '" + src.labelColumn() + "' appears twice in the header");
                    }
                    labelCol = k;
                }
            }
            if (labelCol < 0) {
                throw new DataException(file + ":" + lineNo + ": label column '" + src.labelColumn()
                        + "' is not in the header (columns: " + String.join(", ", header) + ")");
            }
            if (header.size() < 2) {
                throw new DataException(file + ":" + lineNo + ": the header has no feature columns besides the label column");
            }
            int cols = header.size();
            long rows = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String where = file + ":" + lineNo;
                List<String> fields = split(line, file, lineNo);
                if (fields.size() != cols) {
                    throw new DataException(where + ": " + fields.size() + " columns, the header has " + cols);
                }
                rows++;
                Double label = out.label(fields.get(labelCol).trim(), where);
                if (label == null) {
                    continue;
                }
                double[] x = new double[cols - 1];
                for (int k = 0, j = 0; k < cols; k++) {
                    if (k == labelCol) {
                        continue;
                    }
                    String f = fields.get(k).trim();
                    double v;
                    try {
                        v = number(f);
                    } catch (NumberFormatException e) {
                        throw new DataException(where + ": column '" + header.get(k).trim() + "': '" + f + "' is not a number");
                    }
                    if (!Double.isFinite(v)) {
                        throw new DataException(where + ": column '" + header.get(k).trim() + "': " + f + " is not finite");
                    }
                    x[j++] = v;
                }
                out.keep(label, x, where);
            }
            if (rows == 0) {
                throw new DataException(file + ": CSV file has a header but no data rows");
            }
        } catch (IOException e) {
            throw new DataException(file + ": cannot read CSV file: " + e.getMessage(), e);
        }
        out.finish();
    }

    /**
     * Plain decimal numbers ({@code 1}, {@code -2.5}, {@code .5}, {@code 1e-3}) and the words NaN and
     * Infinity (refused later as not finite, with their own message).
     */
    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile(
            "[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?(NaN|Infinity)");

    /**
     * Reads a number of a data file. Stricter than {@link Double#parseDouble}, which also takes Java
     * source forms ({@code 1d}, {@code 2f}, hexadecimal {@code 0x1p3}) that no data file means as numbers.
     *
     * @throws NumberFormatException when {@code text} is not a plain decimal number
     */
    static double number(String text) {
        if (!NUMBER.matcher(text).matches()) {
            throw new NumberFormatException(text);
        }
        return Double.parseDouble(text);
    }

    /** Splits one line into fields (RFC 4180 quoting). */
    static List<String> split(String line, String file, int lineNo) {
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(c);
                }
            } else if (c == ',') {
                fields.add(cur.toString());
                cur.setLength(0);
                wasQuoted = false;
            } else if (c == '"' && cur.toString().isBlank() && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new DataException(file + ":" + lineNo + ": unterminated quoted field");
        }
        fields.add(cur.toString());
        return fields;
    }
}

package org.sweep.driver.store;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The commit record of one wave ({@code OUT/_commits/<wave>}), a properties text: {@code sweep},
 * for every table the wave wrote {@code files.<table>} (its part file names, comma separated) and
 * {@code rows.<table>} (the rows in them, from the Parquet footers at commit time), plus counts the
 * runner adds ({@code tasks}, {@code ok}, ...). Records written before file lists existed carry only
 * {@code files} (the number of files of the wave) and {@code tasks} / {@code trajectory_rows}; they
 * are checked as far as these allow.
 */
public record Marker(String wave, Properties props) {
    public static Marker parse(String wave, String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            // an unreadable record checks as one without file lists
        }
        return new Marker(wave, p);
    }

    /** The record text of a wave: sweep, then per table its files and rows, then the extra counts. */
    public static String text(String sweep, Map<String, List<String>> files, Map<String, Long> rows,
                              Map<String, ?> extra) {
        StringBuilder b = new StringBuilder("sweep=").append(escape(sweep)).append('\n');
        for (Map.Entry<String, List<String>> e : files.entrySet()) {
            b.append("files.").append(e.getKey()).append('=').append(String.join(",", e.getValue())).append('\n');
            b.append("rows.").append(e.getKey()).append('=').append(rows.get(e.getKey())).append('\n');
        }
        for (Map.Entry<String, ?> e : extra.entrySet()) {
            b.append(e.getKey()).append('=').append(String.format(Locale.ROOT, "%s", e.getValue())).append('\n');
        }
        return b.toString();
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '\\' || c == '\n' || c == '\r' || c == '=' || c == ':' || c == '#' || c == '!') {
                b.append(c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\" + c);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    public String sweep() {
        return props.getProperty("sweep");
    }

    /** Whether the record lists its files per table (written by this version). */
    public boolean listsFiles() {
        return props.stringPropertyNames().stream().anyMatch(k -> k.startsWith("files."));
    }

    /** The tables the record lists files for. */
    public List<String> tables() {
        List<String> t = new ArrayList<>();
        for (String table : Tables.ALL) {
            if (props.getProperty("files." + table) != null) {
                t.add(table);
            }
        }
        return t;
    }

    /** The part file names of a table, or null when the record has no list for it. */
    public List<String> files(String table) {
        String v = props.getProperty("files." + table);
        if (v == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (String s : v.split(",")) {
            if (!s.isBlank()) {
                names.add(s.trim());
            }
        }
        return names;
    }

    /**
     * Rows the wave committed into a table, or -1 when unknown. Old records give {@code tasks} for
     * runs and {@code trajectory_rows} for trajectories.
     */
    public long rows(String table) {
        String v = props.getProperty("rows." + table);
        if (v == null && !listsFiles()) {
            v = switch (table) {
                case Tables.RUNS -> props.getProperty("tasks");
                case Tables.TRAJECTORIES -> props.getProperty("trajectory_rows");
                default -> null;
            };
        }
        try {
            return v == null ? -1 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The total file count of an old record ({@code files=N}), or -1. */
    public int legacyFileCount() {
        try {
            String v = props.getProperty("files");
            return v == null ? -1 : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

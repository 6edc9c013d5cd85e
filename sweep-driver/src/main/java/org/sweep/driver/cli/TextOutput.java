package org.sweep.driver.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** Query results as an aligned text table, CSV (RFC 4180 quoting) or JSON lines. */
public final class TextOutput {
    private TextOutput() {
    }

    /** Rows shown by the table format before it stops (csv and json stream every row). */
    public static final int TABLE_MAX_ROWS = 1000;

    static String cell(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof scala.collection.Seq<?> seq) {
            return seq.mkString("[", ", ", "]");
        }
        if (v instanceof double[] a) {
            return java.util.Arrays.toString(a);
        }
        return v.toString();
    }

    /** Prints rows as an aligned table with a header and a separator line. */
    public static void table(StructType schema, Iterator<Row> rows, PrintStream out) {
        String[] names = schema.fieldNames();
        List<String[]> cells = new ArrayList<>();
        boolean more = false;
        while (rows.hasNext()) {
            if (cells.size() == TABLE_MAX_ROWS) {
                more = true;
                break;
            }
            Row r = rows.next();
            String[] c = new String[names.length];
            for (int i = 0; i < names.length; i++) {
                c[i] = cell(r.get(i));
            }
            cells.add(c);
        }
        int[] w = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            w[i] = names[i].length();
            for (String[] c : cells) {
                w[i] = Math.max(w[i], c[i].length());
            }
        }
        out.println(join(names, w));
        StringBuilder sep = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            sep.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
        }
        out.println(sep);
        for (String[] c : cells) {
            out.println(join(c, w));
        }
        out.println("(" + cells.size() + (more ? "+ rows; the table format stops at " + TABLE_MAX_ROWS
                + ", use --format csv or json for all" : cells.size() == 1 ? " row" : " rows") + ")");
    }

    private static String join(String[] c, int[] w) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < c.length; i++) {
            if (i > 0) {
                b.append("  ");
            }
            b.append(c[i]);
            if (i < c.length - 1) {
                b.append(" ".repeat(w[i] - c[i].length()));
            }
        }
        return b.toString();
    }

    static String csvField(Object v) {
        if (v == null) {
            return "";
        }
        String s = cell(v);
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    /** Prints a header line and one CSV line per row; null is an empty field. */
    public static void csv(StructType schema, Iterator<Row> rows, PrintStream out) {
        String[] names = schema.fieldNames();
        List<String> h = new ArrayList<>();
        for (String n : names) {
            h.add(csvField(n));
        }
        out.println(String.join(",", h));
        while (rows.hasNext()) {
            Row r = rows.next();
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < names.length; i++) {
                if (i > 0) {
                    b.append(',');
                }
                b.append(csvField(r.get(i)));
            }
            out.println(b);
        }
    }

    /** Prints one JSON object per line (Spark's own Row.json encoding). */
    public static void json(Iterator<Row> rows, PrintStream out) {
        while (rows.hasNext()) {
            out.println(rows.next().json());
        }
    }
}

package org.sweep.driver.cli;

import java.sql.Timestamp;
import java.time.Instant;
import org.apache.spark.sql.Row;
import org.sweep.driver.plan.TaskIds;

/**
 * Exported cell values as text that reads back exactly: doubles as the shortest decimal that parses
 * to the same double ({@code -0.0} keeps its sign; NaN, Infinity, -Infinity as Python's json module
 * writes them), timestamps as ISO-8601 instants in UTC, arrays as JSON arrays.
 */
final class Values {
    private Values() {
    }

    static String number(double x) {
        if (Double.isNaN(x)) {
            return "NaN";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "Infinity" : "-Infinity";
        }
        if (x == 0.0) {
            return 1 / x < 0 ? "-0.0" : "0.0";
        }
        return TaskIds.formatDouble(x);
    }

    /** A value as a JSON value. */
    static String json(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Double d) {
            return number(d);
        }
        if (v instanceof Float f) {
            return number(f.doubleValue());
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        if (v instanceof Timestamp t) {
            return string(t.toInstant().toString());
        }
        if (v instanceof Instant t) {
            return string(t.toString());
        }
        if (v instanceof scala.collection.Seq<?> seq) {
            StringBuilder b = new StringBuilder("[");
            scala.collection.Iterator<?> it = seq.iterator();
            while (it.hasNext()) {
                b.append(json(it.next()));
                if (it.hasNext()) {
                    b.append(',');
                }
            }
            return b.append(']').toString();
        }
        if (v instanceof Row r) {
            return r.json();
        }
        return string(v.toString());
    }

    /** A value as one CSV field: null empty, strings and arrays quoted where RFC 4180 needs it. */
    static String csv(Object v) {
        if (v == null) {
            return "";
        }
        String s = v instanceof String str ? str : v instanceof Timestamp || v instanceof Instant
                ? json(v).substring(1, json(v).length() - 1) : json(v);
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    /** A JSON string literal. */
    static String string(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}

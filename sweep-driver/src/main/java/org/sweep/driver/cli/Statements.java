package org.sweep.driver.cli;

import java.io.IOException;
import java.io.Reader;

/**
 * Splits SQL text read from a stream into statements at each {@code ;} outside quotes and comments,
 * handing out each statement as soon as its {@code ;} is read (a client can send one statement and
 * wait for its answer). Quotes: {@code '...'} and {@code "..."} with backslash escapes (Spark's
 * string literals; a doubled quote ends and restarts the literal, which splits the same),
 * {@code `...`} identifiers; comments: {@code -- ...} to the end of the line and {@code /* ... *}{@code /}.
 */
final class Statements {
    private final Reader in;
    private boolean eof;

    Statements(Reader in) {
        this.in = in;
    }

    /** The next statement without its {@code ;}, trimmed; null at the end of the input. Blank statements are skipped. */
    String next() throws IOException {
        while (!eof) {
            String s = read();
            if (!isBlank(s)) {
                return s.strip();
            }
        }
        return null;
    }

    private String read() throws IOException {
        StringBuilder b = new StringBuilder();
        char quote = 0;
        boolean lineComment = false;
        boolean blockComment = false;
        int c;
        while ((c = in.read()) >= 0) {
            char ch = (char) c;
            if (lineComment) {
                b.append(ch);
                lineComment = ch != '\n';
                continue;
            }
            if (blockComment) {
                b.append(ch);
                if (ch == '/' && b.length() >= 2 && b.charAt(b.length() - 2) == '*') {
                    blockComment = false;
                }
                continue;
            }
            if (quote != 0) {
                b.append(ch);
                if (ch == '\\' && quote != '`') {
                    int n = in.read();
                    if (n >= 0) {
                        b.append((char) n);
                    }
                } else if (ch == quote) {
                    quote = 0;
                }
                continue;
            }
            if (ch == ';') {
                return b.toString();
            }
            b.append(ch);
            if (ch == '\'' || ch == '"' || ch == '`') {
                quote = ch;
            } else if (ch == '-' && b.length() >= 2 && b.charAt(b.length() - 2) == '-') {
                lineComment = true;
            } else if (ch == '*' && b.length() >= 2 && b.charAt(b.length() - 2) == '/') {
                blockComment = true;
            }
        }
        eof = true;
        return b.toString();
    }

    /** True when the text holds nothing but white space and comments. */
    static boolean isBlank(String s) {
        String t = s.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ");
        return t.isBlank();
    }
}

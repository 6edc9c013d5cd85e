package org.sweep.driver.plan;

/**
 * A problem with a sweep file or a {@code --set} override, found before any work starts.
 *
 * <p>The message has the form {@code "<file>:<line>: <key>: <problem>"}, for example
 * {@code "conf/quickstart.yaml:4: grid.width: expected an integer, got 'abc'"}. The line is omitted
 * when there is none (a value that came from {@code --set}, where the location is the override itself,
 * e.g. {@code "--set train.steps=abc: train.steps: expected an integer, got 'abc'"}, or a problem with
 * the whole file such as {@code "conf/x.yaml: file not found"}, where the key is empty and omitted too).
 * Keys are dotted paths as accepted by {@code --set} ({@code grid.width}, {@code train.steps}).
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String location;
    private final int line;
    private final String key;
    private final String problem;

    /**
     * @param location file name, or the override ({@code --set k=v}) the value came from
     * @param line     1-based line in {@code location}, or 0 when there is none
     * @param key      dotted key path, or {@code ""} for a problem with the whole file
     * @param problem  what is wrong, in words
     */
    public ConfigException(String location, int line, String key, String problem) {
        super(format(location, line, key, problem));
        this.location = location;
        this.line = line;
        this.key = key;
        this.problem = problem;
    }

    ConfigException(Origin origin, String key, String problem) {
        this(origin.location(), origin.line(), key, problem);
    }

    private static String format(String location, int line, String key, String problem) {
        StringBuilder sb = new StringBuilder(location);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (key != null && !key.isEmpty()) {
            sb.append(key).append(": ");
        }
        return oneLine(sb.append(problem).toString());
    }

    /** Messages are one line: control characters (from the parser or from quoted text) are written as escapes. */
    private static String oneLine(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** The file name, or the {@code --set k=v} override that the offending value came from. */
    public String location() {
        return location;
    }

    /** 1-based line of the offending entry; 0 when there is no line. */
    public int line() {
        return line;
    }

    /** Dotted key path of the offending entry ({@code grid.width}); {@code ""} for the whole file. */
    public String key() {
        return key;
    }

    /** What is wrong, without location and key. */
    public String problem() {
        return problem;
    }
}

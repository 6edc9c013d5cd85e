package org.sweep.driver.data;

/**
 * A data file that cannot be used: missing, empty, truncated, malformed, or not matching the
 * requested selection. The message always names the file, and the line for text formats
 * ({@code "path:line: problem"}).
 */
public final class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}

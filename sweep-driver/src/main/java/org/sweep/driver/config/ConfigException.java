package org.sweep.driver.config;

/** Stand-in until the real config package lands. */
public final class ConfigException extends Exception {
    private final String key;
    private final int line;

    public ConfigException(String file, int line, String key, String problem) {
        super(file + ":" + line + ": " + key + ": " + problem);
        this.key = key;
        this.line = line;
    }

    public String key() {
        return key;
    }

    public int line() {
        return line;
    }
}

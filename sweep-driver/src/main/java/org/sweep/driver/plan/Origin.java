package org.sweep.driver.plan;

/**
 * Where a value of the sweep came from: a line of the sweep file, or a {@code --set} override
 * (then {@code location} is {@code "--set key=value"} and {@code line} is 0).
 */
record Origin(String location, int line) {

    boolean fromOverride() {
        return line == 0;
    }

    /** Short description for messages that cite a second place: {@code "line 4"} or {@code "--set grid.width=[16]"}. */
    String where(Origin relativeTo) {
        if (line > 0 && relativeTo != null && relativeTo.location.equals(location)) {
            return "line " + line;
        }
        return line > 0 ? location + ":" + line : location;
    }
}

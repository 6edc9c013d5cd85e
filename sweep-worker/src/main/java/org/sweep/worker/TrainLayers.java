package org.sweep.worker;

/**
 * Which layers gradient descent trains (science.md sections 1 and 6):
 * <ul>
 *   <li>{@link #FIRST}: only the first layer W; the output weights a stay at their random signs
 *       (the setting of Du et al.).</li>
 *   <li>{@link #BOTH}: W and a; the Gram matrix gains the output layer's term.</li>
 * </ul>
 */
public enum TrainLayers implements Keyed {
    FIRST, BOTH;

    /** The spelling in sweep files, specs and tables: {@code first}, {@code both}. */
    @Override
    public String key() {
        return Keys.of(this);
    }

    /** Parses {@code first} or {@code both}; anything else is an error naming the value. */
    public static TrainLayers parse(String s) {
        return Keys.parse(values(), "train_layers", s);
    }
}

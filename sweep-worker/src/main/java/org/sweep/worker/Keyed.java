package org.sweep.worker;

/**
 * A task option with a fixed set of values ({@link EtaMode}, {@link Loss}, {@link Activation},
 * {@link TrainLayers}, {@link DataKind}), each spelled by its {@link #key()} in sweep files, the
 * canonical task JSON and the tables. Every such enum also has a static {@code parse(String)}.
 */
public interface Keyed {
    /** The lower-case spelling, e.g. {@code leaky_relu}. */
    String key();
}

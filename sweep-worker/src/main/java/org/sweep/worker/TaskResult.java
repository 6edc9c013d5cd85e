package org.sweep.worker;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The immutable outcome of one task: what the driver stores in the {@code runs}, {@code trajectories}
 * and {@code spectra} tables.
 *
 * @param spec       the task that ran
 * @param status     ok, diverged or failed
 * @param message    null when ok; why it diverged or the exception text when failed
 * @param etaValue   the step size actually used (null if it could not be resolved)
 * @param etaFactor  the spec's factor for relative modes; null for absolute step sizes
 * @param summary    per-task statistics
 * @param trajectory checkpoints in increasing step order
 * @param spectra    full spectra: h_inf (with label projections), h_0, h_final
 * @param cost       time, flops and implementations
 */
public record TaskResult(
        TaskSpec spec,
        Status status,
        String message,
        Double etaValue,
        Double etaFactor,
        Summary summary,
        List<Checkpoint> trajectory,
        List<Spectrum> spectra,
        Cost cost) implements Serializable {

    public TaskResult {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(cost, "cost");
        trajectory = List.copyOf(trajectory);
        spectra = List.copyOf(spectra);
    }
}

package org.sweep.driver.plan;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Random damage to a valid sweep file: planning either succeeds or throws a ConfigException whose
 * message has the documented form, never another exception (a crash would be a bug in validation).
 */
class FuzzTest {

    /** Mutated files tried: about a millisecond each (a valid one plans 16 tasks); -Dsweep.fuzz.cases=N for more. */
    private static final int CASES = Integer.getInteger("sweep.fuzz.cases", 600);
    /** Seed of the mutations; -Dsweep.fuzz.seed=S to explore others. */
    private static final long SEED = Long.getLong("sweep.fuzz.seed", 2019);

    private static final String BASE = Sweeps.lines(
            "name: quickstart",
            "description: fuzz",
            "grid:",
            "  width: {from: 16, to: 64, factor: 4}",
            "  n: [20, 40]",
            "  seed: {from: 0, count: 2}",
            "  eta: {from: 0.1, to: 1, factor: 10}",
            "data: {kind: sphere, d: 10, seed: 0, labels: gaussian}",
            "network: {kappa: 1, activation: relu}",
            "train: {steps: 1000, eta_mode: stability, checkpoints: 30, spectrum_checkpoints: 6, target_loss_ratio: 1.0e-6}");

    private static final String ALPHABET = "{}[],:-#&*!'\"\n \t0123456789.eE+_abcdefghijklmnopqrstuvwxyz~|>%@`";

    private static String mutate(String text, SplittableRandom r) {
        StringBuilder sb = new StringBuilder(text);
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits && sb.length() > 0; e++) {
            int at = r.nextInt(sb.length());
            switch (r.nextInt(4)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                case 2 -> sb.setCharAt(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                default -> {
                    List<String> lines = new ArrayList<>(Arrays.asList(sb.toString().split("\n", -1)));
                    int i = r.nextInt(lines.size());
                    int j = r.nextInt(lines.size());
                    if (r.nextBoolean()) {
                        lines.add(j, lines.get(i));
                    } else {
                        lines.set(i, lines.set(j, lines.get(i)));
                    }
                    sb = new StringBuilder(String.join("\n", lines));
                }
            }
        }
        return sb.toString();
    }

    @Test
    void damagedFilesGiveConfigErrorsOrValidPlans() {
        SplittableRandom r = new SplittableRandom(SEED);
        int errors = 0;
        for (int c = 0; c < CASES; c++) {
            String text = mutate(BASE, r);
            try {
                SweepPlanner.plan("s.yaml", text, List.of(), 1L << 30);
            } catch (ConfigException e) {
                errors++;
                assertTrue(e.getMessage().matches("s\\.yaml(:[1-9][0-9]*)?: .+"), e.getMessage());
                assertTrue(e.line() >= 0 && e.line() <= text.split("\n", -1).length + 1, e.getMessage());
            } catch (RuntimeException | StackOverflowError e) {
                fail("crash on\n" + text, e);
            }
        }
        assertTrue(errors > CASES / 4, "the mutations should mostly break the file, broke " + errors);
    }
}

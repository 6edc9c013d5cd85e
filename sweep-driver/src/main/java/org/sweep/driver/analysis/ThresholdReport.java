package org.sweep.driver.analysis;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.spark.sql.types.StructField;

/** Prints a threshold analysis as aligned text: the thresholds table, the exponent fits beside theory, warnings. */
final class ThresholdReport {
    private ThresholdReport() {
    }

    static void print(ThresholdAnalysis.Result r, PrintStream out) {
        ThresholdOptions o = r.options();
        out.printf(Locale.ROOT, "threshold analysis of sweep '%s', criterion %s%n", o.sweep(), describe(o));
        out.printf(Locale.ROOT, "a width passes when >= %s of its seeds pass; m* = the smallest grid width from which on "
                + "every width passes%n", percent(1 - o.delta()));
        out.printf(Locale.ROOT, "intervals: %s percentile bootstrap over seeds (%d resamples, seed %d); runs: %d "
                + "(%d failed, left out)%n%n", percent(o.level()), o.bootstrap(), o.seed(), r.runs(), r.failedRuns());

        List<String> header = new ArrayList<>();
        for (StructField f : r.axes()) {
            header.add(f.name());
        }
        header.addAll(List.of("seeds", "widths", "m_star", percent(o.level()) + " CI", "bracket", "m_du", "m*/m_du"));
        List<List<String>> rows = new ArrayList<>();
        for (ThresholdAnalysis.Group g : r.groups()) {
            List<String> c = new ArrayList<>();
            for (Object v : g.axes()) {
                c.add(String.valueOf(v));
            }
            c.add(Integer.toString(g.seeds()));
            c.add(g.widths()[0] + ".." + g.widths()[g.widths().length - 1] + " (" + g.widths().length + ")");
            c.add(g.mStar() == null ? (g.bracket() == ThresholdMath.Bracket.NONE_PASS ? "> " + g.widths()[g.widths().length - 1] : "-")
                    : (g.bracket() == ThresholdMath.Bracket.ALL_PASS ? "<= " : "") + g.mStar());
            c.add(o.bootstrap() == 0 ? "-" : "[" + (g.mStarLo() == null ? "inf" : g.mStarLo()) + ", "
                    + (g.mStarHi() == null ? "inf" : g.mStarHi()) + "]");
            c.add(g.bracket().key());
            c.add(g.mDu() == null ? "null" : num(g.mDu()));
            c.add(g.mStar() == null || g.mDu() == null ? "null" : num(g.mStar() / g.mDu()));
            rows.add(c);
        }
        table(header, rows, out);

        out.println();
        out.println("exponent of n, least squares log m* = alpha log n + c over bracketed groups:");
        for (ThresholdAnalysis.Fit f : r.fits()) {
            StringBuilder where = new StringBuilder();
            for (int i = 0; i < r.fitAxes().size(); i++) {
                where.append(i == 0 ? "" : " ").append(r.fitAxes().get(i).name()).append('=').append(f.axes().get(i));
            }
            String prefix = "  " + (where.length() == 0 ? "" : where + ": ");
            if (f.alpha() == null) {
                out.println(prefix + "no fit (" + f.points() + " bracketed point(s))");
                continue;
            }
            String ci = f.alphaLo() == null ? "no interval" : String.format(Locale.ROOT, "%s CI [%.2f, %.2f]",
                    percent(o.level()), f.alphaLo(), f.alphaHi());
            out.printf(Locale.ROOT, "%salpha = %.2f  %s  from %d points, n in [%d, %d]%n", prefix, f.alpha(), ci,
                    f.points(), f.nMin(), f.nMax());
            out.printf(Locale.ROOT, "%s  theory: %.0f (Du et al. 2019), %.0f (Song & Yang 2019)%n", " ".repeat(prefix.length() - 2),
                    ThresholdAnalysis.THEORY_DU, ThresholdAnalysis.THEORY_SONG_YANG);
        }
        if (!r.warnings().isEmpty()) {
            out.println();
            out.println("warnings:");
            for (String w : r.warnings()) {
                out.println("  " + w);
            }
        }
    }

    private static String describe(ThresholdOptions o) {
        return switch (o.criterion()) {
            case BOUND_HOLDS -> "bound_holds (Du et al.'s loss bound held at every checkpoint)";
            case LEMMA -> "lemma (lambda_min(H(k)) >= lambda0/2 at every spectrum checkpoint)";
            case TARGET -> "target (the loss reached target_loss_ratio * L(0))";
            case KERNEL -> String.format(Locale.ROOT, "kernel (kernel_dev <= %s)", num(o.tolerance()));
        };
    }

    private static String percent(double f) {
        double p = 100 * f;
        return (p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f", p) : String.format(Locale.ROOT, "%.1f", p)) + "%";
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private static void table(List<String> header, List<List<String>> rows, PrintStream out) {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
            for (List<String> r : rows) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        line(header, w, out);
        List<String> sep = new ArrayList<>();
        for (int x : w) {
            sep.add("-".repeat(x));
        }
        line(sep, w, out);
        for (List<String> r : rows) {
            line(r, w, out);
        }
    }

    private static void line(List<String> c, int[] w, PrintStream out) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < c.size(); i++) {
            b.append(i == 0 ? "" : "  ").append(c.get(i));
            if (i < c.size() - 1) {
                b.append(" ".repeat(w[i] - c.get(i).length()));
            }
        }
        out.println(b.toString().stripTrailing());
    }
}

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
        out.printf(Locale.ROOT, "m* = width where a logistic pass curve in log m (Firth fit, per group) reaches %s; "
                + "bias-corrected (%d draws, seed %d)%n", percent(1 - o.delta()), o.bootstrap(), o.seed());
        out.printf(Locale.ROOT, "intervals: %s profile likelihood%s; an end beyond the grid is not given (censored); "
                + "runs: %d (%d failed, left out)%n%n", percent(o.level()), o.clustered()
                ? ", widened by the design effect of runs sharing " + String.join("/", o.replicates()) + " (deff)"
                : ", runs independent", r.runs(), r.failedRuns());

        List<String> header = new ArrayList<>();
        for (StructField f : r.axes()) {
            header.add(f.name());
        }
        header.addAll(List.of("seeds", "widths", "m_star", percent(o.level()) + " CI", "censored", "deff", "grid m*",
                "isotonic", "m_du", "m*/m_du"));
        List<List<String>> rows = new ArrayList<>();
        for (ThresholdAnalysis.Group g : r.groups()) {
            List<String> c = new ArrayList<>();
            for (Object v : g.axes()) {
                c.add(String.valueOf(v));
            }
            LevelSet.Threshold t = g.threshold();
            int wMax = g.widths()[g.widths().length - 1];
            c.add(Integer.toString(g.seeds()));
            c.add(g.widths()[0] + ".." + wMax + " (" + g.widths().length + ")");
            c.add(t.mStar() != null ? num(t.mStar()) : LevelSet.ABOVE_GRID.equals(t.censored()) ? "> " + wMax
                    : LevelSet.BELOW_GRID.equals(t.censored()) ? "< " + g.widths()[0] : "-");
            c.add("[" + (t.lo() == null ? "?" : num(t.lo())) + ", " + (t.hi() == null ? "?" : num(t.hi())) + "]");
            c.add(t.censored() == null ? "" : t.censored());
            c.add(Double.isNaN(t.designEffect()) ? "-" : String.format(Locale.ROOT, "%.2f", t.designEffect()));
            c.add(g.mStarGrid() == null ? "-" : g.mStarGrid().toString());
            c.add(Double.isNaN(g.isotonic()) ? "-" : num(g.isotonic()));
            c.add(g.mDu() == null ? "null" : num(g.mDu()));
            c.add(t.mStar() == null || g.mDu() == null ? "null" : num(t.mStar() / g.mDu()));
            rows.add(c);
        }
        table(header, rows, out);

        out.println();
        out.println("exponent: logit P = a + b (log m - alpha log s), one fit of every run per scale s; "
                + "log m*(s) = c + alpha log s:");
        for (ThresholdAnalysis.Fit f : r.fits()) {
            StringBuilder where = new StringBuilder("s = " + f.scale());
            for (int i = 0; i < r.fitAxes().size(); i++) {
                if (f.axes().get(i) != null) {
                    where.append(' ').append(r.fitAxes().get(i).name()).append('=').append(f.axes().get(i));
                }
            }
            String prefix = "  " + where + ": ";
            LevelSet.Exponent e = f.exponent();
            if (e == null || e.alpha() == null) {
                out.println(prefix + "no fit (" + (e == null ? f.points() + " group(s), fewer than 2 values of the scale"
                        : e.censored()) + ")");
                continue;
            }
            out.printf(Locale.ROOT, "%salpha = %.2f  %s CI [%s, %s]%s  c = %.2f  b = %.2f  from %d groups, n in [%d, %d]%n",
                    prefix, e.alpha(), percent(o.level()), e.lo() == null ? "?" : String.format(Locale.ROOT, "%.2f", e.lo()),
                    e.hi() == null ? "?" : String.format(Locale.ROOT, "%.2f", e.hi()),
                    Double.isNaN(e.designEffect()) ? "" : String.format(Locale.ROOT, " (deff %.2f, %d seeds)", e.designEffect(),
                            e.clusters()), e.intercept(), e.slope(), f.points(), f.nMin(), f.nMax());
            String pad = " ".repeat(prefix.length());
            out.printf(Locale.ROOT, "%sfit: deviance %.1f on %d df (p = %s); free per-group curves vs joint: LR %.1f on %d df "
                            + "(p = %s)%n", pad, e.deviance(), e.devianceDf(), pval(e.devianceP()),
                    e.lrGroups() == null ? Double.NaN : e.lrGroups(), e.lrGroupsDf(), pval(e.lrGroupsP()));
            if (f.scale().equals("n")) {
                out.printf(Locale.ROOT, "%stheory: %.0f (Du et al. 2019), %.0f (Song & Yang 2019)%n", pad,
                        ThresholdAnalysis.THEORY_DU, ThresholdAnalysis.THEORY_SONG_YANG);
            }
        }
        if (!r.warnings().isEmpty()) {
            out.println();
            out.println("warnings:");
            for (String w : r.warnings()) {
                out.println("  " + w);
            }
        }
    }

    private static String pval(Double p) {
        return p == null ? "-" : String.format(Locale.ROOT, "%.3g", p);
    }

    private static String describe(ThresholdOptions o) {
        return switch (o.criterion()) {
            case BOUND_HOLDS -> "bound_holds (L(k) <= (1 - eta lambda0/2)^k L(0) at every checkpoint)";
            case LEMMA -> "lemma (lambda_min(H(k)) >= lambda0/2 at every spectrum checkpoint)";
            case TARGET -> "target (the loss reached target_loss_ratio * L(0))";
            case KERNEL -> String.format(Locale.ROOT, "kernel (max_k | ||u(k)-y|| - ||pred(k)|| | / ||u(0)-y|| <= %s)",
                    num(o.tolerance()));
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

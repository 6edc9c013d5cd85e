package org.sweep.driver.plan;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.sweep.driver.plan.Values.Value;
import org.sweep.driver.plan.Yaml.Entry;
import org.sweep.driver.plan.Yaml.YMap;
import org.sweep.driver.plan.Yaml.YNode;
import org.sweep.driver.plan.Yaml.YScalar;
import org.sweep.driver.plan.Yaml.YSeq;

/**
 * The values of one grid axis: a single value, a list, or a range.
 *
 * <h2>Ranges</h2>
 * <ul>
 *   <li>{@code {from: a, count: k}} (optional {@code step: s}, default 1): a, a+s, ..., a+(k-1)s.</li>
 *   <li>{@code {from: a, to: b}} (optional {@code step: s}, default 1): a, a+s, ... while not past b;
 *       b itself is included when it is hit. A step of 0, or one that points away from b, is an error
 *       (the range never reaches b); count down with a negative step.</li>
 *   <li>{@code {from: a, to: b, factor: f}} (f &gt; 1, a &gt; 0): a, a f, a f^2, ... while &lt;= b;
 *       b is included when hit. {@code {from: a, count: k, factor: f}} gives k such values.</li>
 * </ul>
 * Integer parameters need integer from/to/step/factor and stay exact integers. Real parameters
 * (eta, kappa, target_loss_ratio) accept real ranges: value i is computed directly as a + i s or
 * a f^i (no accumulated error), then rounded to {@value #SIGNIFICANT_DIGITS} significant digits so
 * that {@code {from: 0.01, to: 1, factor: 10}} gives exactly 0.01, 0.1, 1.0 (the doubles that the
 * literals 0.01, 0.1, 1 denote) and the same task ids as a list of those literals. The end b is
 * included when the computed value is within a relative {@value #END_TOLERANCE} of it, and then
 * b itself is used.
 *
 * <p>A value given twice on one axis is an error (it would duplicate tasks).
 */
final class Axes {
    private Axes() {
    }

    /** Digits kept of computed real range values: removes binary rounding noise (about 1e-16 relative). */
    static final int SIGNIFICANT_DIGITS = 15;
    /** Relative tolerance for hitting the end of a real range: far above rounding noise, far below any useful step. */
    static final double END_TOLERANCE = 1e-9;

    private static final Set<String> RANGE_KEYS = Set.of("from", "to", "count", "step", "factor");

    /** Reads an axis of parameter {@code p} given under {@code key} (e.g. grid.width). */
    static List<Value> read(Param p, YNode node, String key, long maxValues) throws ConfigException {
        List<Value> values;
        if (node instanceof YSeq seq) {
            if (seq.items().isEmpty()) {
                throw new ConfigException(seq.origin(), key, "empty list; give at least one value");
            }
            values = new ArrayList<>();
            for (YNode item : seq.items()) {
                if (!(item instanceof YScalar)) {
                    throw new ConfigException(item.origin(), key, "list items must be single values, got "
                            + item.describe());
                }
                values.add(Values.of(p, item, key));
            }
        } else if (node instanceof YMap map) {
            if (!p.numeric()) {
                throw new ConfigException(map.origin(), key, "ranges need numbers; give a list of values");
            }
            values = range(p, map, key, maxValues);
        } else if (node instanceof YScalar s && s.isNull()) {
            throw new ConfigException(s.origin(), key, "missing value; give a value, a list or a range");
        } else {
            values = List.of(Values.of(p, node, key));
        }
        Map<Object, Value> seen = new HashMap<>();
        for (Value v : values) {
            Value first = seen.putIfAbsent(v.value(), v);
            if (first != null) {
                throw new ConfigException(v.origin(), key, Values.show(v.value()) + " is given twice");
            }
        }
        return values;
    }

    private static List<Value> range(Param p, YMap map, String key, long maxValues) throws ConfigException {
        for (Entry e : map.entries().values()) {
            if (!RANGE_KEYS.contains(e.key())) {
                String guess = Names.closest(e.key(), RANGE_KEYS);
                String space = Names.missingSpace(e.key(), RANGE_KEYS);
                throw new ConfigException(e.keyOrigin(), key + "." + e.key(), "unknown key '" + e.key()
                        + "' in a range" + (space != null ? space : guess == null ? "" : " (did you mean '" + guess + "'?)")
                        + "; a range is {from, count}, {from, to}, either with an optional step, or {from, to, factor}");
            }
        }
        Entry from = map.get("from");
        Entry to = map.get("to");
        Entry count = map.get("count");
        Entry step = map.get("step");
        Entry factor = map.get("factor");
        Origin o = map.origin();
        if (from == null) {
            throw new ConfigException(o, key, "a range needs 'from'");
        }
        if ((to == null) == (count == null)) {
            throw new ConfigException(o, key, "a range needs exactly one of 'to' and 'count'");
        }
        if (step != null && factor != null) {
            throw new ConfigException(o, key, "a range has either 'step' or 'factor', not both");
        }
        List<Value> out = new ArrayList<>();
        long k = -1;
        if (count != null) {
            k = Values.integer(count.value(), key + ".count");
            if (k < 1) {
                throw new ConfigException(count.value().origin(), key + ".count", "must be >= 1, got " + k);
            }
            tooMany(k, maxValues, o, key);
        }
        if (p.integral()) {
            long a = Values.integer(from.value(), key + ".from");
            if (factor != null) {
                long f = Values.integer(factor.value(), key + ".factor");
                if (f <= 1) {
                    throw new ConfigException(factor.value().origin(), key + ".factor", "must be > 1, got " + f);
                }
                if (a < 1) {
                    throw new ConfigException(from.value().origin(), key + ".from",
                            "a geometric range needs from > 0, got " + a);
                }
                long b = to == null ? Long.MAX_VALUE : Values.integer(to.value(), key + ".to");
                if (to != null && b < a) {
                    throw new ConfigException(o, key, "range never reaches 'to': from " + a + " to " + b
                            + " with factor " + f + " only grows");
                }
                long v = a;
                for (long i = 0; k < 0 || i < k; i++) {
                    out.add(Values.checked(p, v, o, key));
                    if (k >= 0 && i + 1 == k) {
                        break;
                    }
                    if (v > b / f) { // next value would pass b (or overflow)
                        if (k >= 0) {
                            throw new ConfigException(o, key, "range leaves the integers: " + a + " * " + f
                                    + "^" + (i + 1) + " is too large");
                        }
                        break;
                    }
                    v *= f;
                }
                return out;
            }
            long s = step == null ? 1 : Values.integer(step.value(), key + ".step");
            if (s == 0) {
                throw new ConfigException(step.value().origin(), key + ".step", "must not be 0");
            }
            if (to != null) {
                long b = Values.integer(to.value(), key + ".to");
                if (b != a && (b > a) != (s > 0)) {
                    throw new ConfigException(o, key, "range never reaches 'to': from " + a + " to " + b
                            + " with step " + s + (s > 0 ? " (count down with a negative step)" : ""));
                }
                BigDecimal steps = new BigDecimal(b).subtract(new BigDecimal(a)).divideToIntegralValue(new BigDecimal(s));
                if (steps.compareTo(BigDecimal.valueOf(maxValues)) >= 0) {
                    throw new ConfigException(o, key, "range has " + steps.add(BigDecimal.ONE).toPlainString()
                            + " values, more than the limit of " + maxValues + " tasks per sweep");
                }
                k = steps.longValueExact() + 1;
            }
            for (long i = 0; i < k; i++) {
                long v;
                try {
                    v = Math.addExact(a, Math.multiplyExact(i, s));
                } catch (ArithmeticException e) {
                    throw new ConfigException(o, key, "range leaves the 64-bit integers");
                }
                out.add(Values.checked(p, v, o, key));
            }
            return out;
        }
        double a = Values.real(from.value(), key + ".from");
        if (factor != null) {
            double f = Values.real(factor.value(), key + ".factor");
            if (!(f > 1)) {
                throw new ConfigException(factor.value().origin(), key + ".factor",
                        "must be > 1, got " + TaskIds.formatDouble(f));
            }
            if (!(a > 0)) {
                throw new ConfigException(from.value().origin(), key + ".from",
                        "a geometric range needs from > 0, got " + TaskIds.formatDouble(a));
            }
            if (to != null) {
                double b = Values.real(to.value(), key + ".to");
                if (b < a * (1 - END_TOLERANCE)) {
                    throw new ConfigException(o, key, "range never reaches 'to': from " + TaskIds.formatDouble(a)
                            + " to " + TaskIds.formatDouble(b) + " with factor " + TaskIds.formatDouble(f)
                            + " only grows");
                }
                k = (long) Math.floor(Math.log(b / a) / Math.log(f) + END_TOLERANCE) + 1;
                tooMany(k, maxValues, o, key);
                for (long i = 0; i < k + 1; i++) {
                    double v = snap(a * Math.pow(f, i));
                    if (v > b * (1 + END_TOLERANCE)) {
                        break;
                    }
                    out.add(Values.checked(p, Math.abs(v - b) <= END_TOLERANCE * b ? b : v, o, key));
                }
                return out;
            }
            for (long i = 0; i < k; i++) {
                double v = snap(a * Math.pow(f, i));
                if (!Double.isFinite(v)) {
                    throw new ConfigException(o, key, "range leaves the finite numbers");
                }
                out.add(Values.checked(p, v, o, key));
            }
            return out;
        }
        double s = step == null ? 1.0 : Values.real(step.value(), key + ".step");
        if (s == 0) {
            throw new ConfigException(step.value().origin(), key + ".step", "must not be 0");
        }
        double b = Double.NaN;
        if (to != null) {
            b = Values.real(to.value(), key + ".to");
            double tol = END_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
            if (Math.abs(b - a) > tol && (b > a) != (s > 0)) {
                throw new ConfigException(o, key, "range never reaches 'to': from " + TaskIds.formatDouble(a)
                        + " to " + TaskIds.formatDouble(b) + " with step " + TaskIds.formatDouble(s)
                        + (s > 0 ? " (count down with a negative step)" : ""));
            }
            k = (long) Math.floor((b - a) / s + END_TOLERANCE) + 1;
            tooMany(k, maxValues, o, key);
        }
        for (long i = 0; i < k; i++) {
            double v = snap(a + i * s);
            if (to != null && Math.abs(v - b) <= END_TOLERANCE * Math.max(Math.abs(a), Math.abs(b))) {
                v = b;
            }
            out.add(Values.checked(p, v, o, key));
        }
        return out;
    }

    private static void tooMany(long k, long maxValues, Origin o, String key) throws ConfigException {
        if (k > maxValues) {
            throw new ConfigException(o, key, "range has " + k + " values, more than the limit of "
                    + maxValues + " tasks per sweep");
        }
    }

    /** Rounds a computed value to {@link #SIGNIFICANT_DIGITS} significant decimal digits. */
    static double snap(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return v == 0 ? 0.0 : v;
        }
        return new BigDecimal(v).round(new MathContext(SIGNIFICANT_DIGITS, RoundingMode.HALF_EVEN)).doubleValue();
    }
}

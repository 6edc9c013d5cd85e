package org.sweep.driver.plan;

import java.math.BigDecimal;
import java.util.regex.Pattern;

import org.sweep.driver.plan.Yaml.YNode;
import org.sweep.driver.plan.Yaml.YScalar;

/**
 * Typing of scalars. Numbers follow the YAML 1.2 core schema, read by this class rather than by the
 * YAML library so that every value is judged the same way:
 * <ul>
 *   <li>an integer parameter accepts a plain decimal integer ({@code 1000}) or a plain number whose
 *       value is an exact integer ({@code 1.0e3}, {@code 1000.0}); both give the same value and so the
 *       same task_id. {@code 16.5}, {@code abc}, {@code true} and quoted text ({@code "16"}) are errors;</li>
 *   <li>a real parameter accepts any plain decimal number ({@code 1}, {@code 1.0} and {@code 1e0} are the
 *       same value); {@code -0.0} becomes {@code 0.0};</li>
 *   <li>NaN and infinity ({@code .nan}, {@code .inf}, {@code -.inf}, {@code NaN}, {@code Infinity}, or a
 *       literal too large for a double) are errors everywhere a number is expected.</li>
 * </ul>
 */
final class Values {
    private Values() {
    }

    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    private static final Pattern NON_FINITE = Pattern.compile(
            "[-+]?\\.?(inf|Inf|INF|infinity|Infinity|INFINITY)|\\.?(nan|NaN|NAN)");

    /** Digits of the largest long (9223372036854775807). */
    private static final int MAX_INTEGER_DIGITS = 19;

    /** One typed value with where it came from and the dotted key it was given under. */
    record Value(Object value, Origin origin, String key) {
    }

    private static YScalar scalar(YNode node, String key, String expected) throws ConfigException {
        if (node instanceof YScalar s && !s.isNull()) {
            return s;
        }
        if (node instanceof YScalar) {
            throw new ConfigException(node.origin(), key, "missing value; expected " + expected);
        }
        throw new ConfigException(node.origin(), key, "expected " + expected + ", got " + node.describe());
    }

    private static void rejectNonFinite(YScalar s, String key) throws ConfigException {
        if (s.plain() && NON_FINITE.matcher(s.text()).matches()) {
            throw new ConfigException(s.origin(), key, "expected a finite number, got '" + s.text() + "'");
        }
    }

    /** A whole number that fits a long. */
    static long integer(YNode node, String key) throws ConfigException {
        YScalar s = scalar(node, key, "an integer");
        rejectNonFinite(s, key);
        if (!s.plain() || !DECIMAL.matcher(s.text()).matches()) {
            throw new ConfigException(s.origin(), key, "expected an integer, got " + s.describe());
        }
        BigDecimal v;
        try {
            v = new BigDecimal(s.text()).stripTrailingZeros();
        } catch (NumberFormatException e) { // an exponent beyond the int range
            throw new ConfigException(s.origin(), key, "integer out of range, got '" + s.text() + "'");
        }
        if (v.scale() > 0) {
            throw new ConfigException(s.origin(), key, "expected an integer, got '" + s.text() + "'");
        }
        // Check the magnitude before expanding the digits (1e999999999 would be a huge number).
        if (v.signum() != 0 && v.precision() - v.scale() > MAX_INTEGER_DIGITS) {
            throw new ConfigException(s.origin(), key, "integer out of range, got '" + s.text() + "'");
        }
        try {
            return v.toBigIntegerExact().longValueExact();
        } catch (ArithmeticException e) {
            throw new ConfigException(s.origin(), key, "integer out of range, got '" + s.text() + "'");
        }
    }

    /** A finite double; {@code -0.0} is returned as {@code 0.0}. */
    static double real(YNode node, String key) throws ConfigException {
        YScalar s = scalar(node, key, "a number");
        rejectNonFinite(s, key);
        if (!s.plain() || !DECIMAL.matcher(s.text()).matches()) {
            throw new ConfigException(s.origin(), key, "expected a number, got " + s.describe());
        }
        double v = Double.parseDouble(s.text());
        if (!Double.isFinite(v)) {
            throw new ConfigException(s.origin(), key, "expected a finite number, got '" + s.text() + "'");
        }
        return v == 0.0 ? 0.0 : v;
    }

    /** A scalar's text (plain or quoted). */
    static String word(YNode node, String key) throws ConfigException {
        return scalar(node, key, "a single value").text();
    }

    /** Reads one value of {@code p} from a scalar and checks the parameter's own bounds. */
    static Value of(Param p, YNode node, String key) throws ConfigException {
        Object v = switch (p.type) {
            case INT, LONG -> integer(node, key);
            case DOUBLE -> real(node, key);
            case WORD -> word(node, key);
        };
        return checked(p, v, node.origin(), key);
    }

    /** Wraps a value after checking the parameter's own bounds. */
    static Value checked(Param p, Object v, Origin origin, String key) throws ConfigException {
        String problem = p.check(v);
        if (problem != null) {
            throw new ConfigException(origin, key, problem);
        }
        return new Value(v, origin, key);
    }

    /** Text of a value for messages: integers as written, doubles in the canonical form. */
    static String show(Object v) {
        return v instanceof Double d ? TaskIds.formatDouble(d) : String.valueOf(v);
    }
}

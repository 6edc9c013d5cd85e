package org.sweep.worker;

import java.util.Locale;
import java.util.StringJoiner;

/** The spelling of the option enums in sweep files, specs and tables: the lower-case constant name. */
final class Keys {
    private Keys() {
    }

    /** {@code LEAKY_RELU} -> {@code leaky_relu}. */
    static String of(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** The constants' keys in declaration order, comma separated: {@code square, logistic}. */
    static String list(Enum<?>[] values) {
        StringJoiner j = new StringJoiner(", ");
        for (Enum<?> v : values) {
            j.add(of(v));
        }
        return j.toString();
    }

    /**
     * The constant whose key is {@code s}; otherwise an error naming the field, the value and the
     * accepted keys ({@code loss = hinge: must be one of square, logistic}).
     */
    static <E extends Enum<E>> E parse(E[] values, String field, String s) {
        for (E v : values) {
            if (of(v).equals(s)) {
                return v;
            }
        }
        throw new IllegalArgumentException(field + " = " + s + ": must be one of " + list(values));
    }
}

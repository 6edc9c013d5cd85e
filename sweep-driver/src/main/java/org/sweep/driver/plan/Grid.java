package org.sweep.driver.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * Grid expansion as a pure, deterministic function (the expansion half of Hydra's sweeper / launcher
 * split; Spark's ParamGridBuilder): named axes, each a list of values, expand into their Cartesian
 * product in one fixed order. The first axis varies slowest and the last fastest, like an odometer,
 * so the same axes always give the same points in the same order. Nothing here reads files,
 * validates values or estimates costs; the planner does that around it.
 *
 * <p>Worked count, {@code conf/quickstart.yaml}: its grid {@code width: {from: 16, to: 1024, factor: 4},
 * n: [20, 40], seed: {from: 0, count: 4}, eta: [0.5]} with one value for every other parameter, in
 * {@link Param} order (width, n, d, data_seed, labels, kappa, seed, eta, ...), gives
 * 4 width x 2 n x 4 seed = 32 points: points 0-3 are width 16, n 20 with seeds 0, 1, 2, 3; points 4-7
 * width 16, n 40, seeds 0-3; point 8 is width 64, n 20, seed 0; point 31 width 1024, n 40, seed 3.
 *
 * @param <T> the type of an axis value
 */
final class Grid<T> implements Iterable<List<T>> {
    private final List<String> names;
    private final List<List<T>> axes;

    /** Axes {@code axes.get(i)} named {@code names.get(i)}, first = slowest; every axis needs a value. */
    Grid(List<String> names, List<List<T>> axes) {
        if (names.size() != axes.size()) {
            throw new IllegalArgumentException(names.size() + " names for " + axes.size() + " axes");
        }
        for (int i = 0; i < axes.size(); i++) {
            if (axes.get(i).isEmpty()) {
                throw new IllegalArgumentException("axis " + names.get(i) + " has no values");
            }
        }
        this.names = List.copyOf(names);
        List<List<T>> copy = new ArrayList<>();
        for (List<T> a : axes) {
            copy.add(Collections.unmodifiableList(new ArrayList<>(a)));
        }
        this.axes = List.copyOf(copy);
    }

    /** Number of points: the product of the axis sizes (a double, exact below 2^53, never overflowing). */
    double size() {
        double n = 1;
        for (List<T> a : axes) {
            n *= a.size();
        }
        return n;
    }

    /**
     * The axes with more than one value and the count, e.g. {@code "4 width x 2 n x 4 seed = 32 tasks"};
     * {@code "1 task"} for a single point.
     */
    String shape() {
        String axesText = varyingAxes();
        double n = size();
        String count = String.format(Locale.ROOT, "%.0f %s", n, n == 1 ? "task" : "tasks");
        return axesText.isEmpty() ? count : axesText + " = " + count;
    }

    /** The axes with more than one value in expansion order, e.g. {@code "4 width x 2 n x 4 seed"} ("" if none). */
    String varyingAxes() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < axes.size(); i++) {
            int k = axes.get(i).size();
            if (k > 1) {
                sb.append(sb.length() == 0 ? "" : " x ").append(k).append(' ').append(names.get(i));
            }
        }
        return sb.toString();
    }

    /** Point number {@code index} (0-based) of the expansion order: the mixed-radix digits of index, last axis fastest. */
    List<T> point(long index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("point " + index + " of " + shape());
        }
        Object[] point = new Object[axes.size()];
        long rest = index;
        for (int i = axes.size() - 1; i >= 0; i--) {
            int k = axes.get(i).size();
            point[i] = axes.get(i).get((int) (rest % k));
            rest /= k;
        }
        @SuppressWarnings("unchecked")
        List<T> list = (List<T>) List.of(point);
        return list;
    }

    /** The points in expansion order; each is one value per axis, in axis order. */
    @Override
    public Iterator<List<T>> iterator() {
        return new Iterator<>() {
            private final int[] idx = new int[axes.size()];
            private boolean done = false;

            @Override
            public boolean hasNext() {
                return !done;
            }

            @Override
            public List<T> next() {
                if (done) {
                    throw new NoSuchElementException();
                }
                List<T> point = new ArrayList<>(idx.length);
                for (int i = 0; i < idx.length; i++) {
                    point.add(axes.get(i).get(idx[i]));
                }
                done = true;
                for (int i = idx.length - 1; i >= 0; i--) { // odometer: last axis fastest
                    if (++idx[i] < axes.get(i).size()) {
                        done = false;
                        break;
                    }
                    idx[i] = 0;
                }
                return Collections.unmodifiableList(point);
            }
        };
    }
}

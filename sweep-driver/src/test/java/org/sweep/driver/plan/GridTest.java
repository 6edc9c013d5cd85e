package org.sweep.driver.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure grid expander on its own: count, shape, order and random access of its points. */
class GridTest {
    /** The worked count of the Grid Javadoc: quickstart's width x n x seed axes, eta with one value. */
    private static final Grid<Integer> QUICKSTART = new Grid<>(List.of("width", "n", "seed", "eta"),
            List.of(List.of(16, 64, 256, 1024), List.of(20, 40), List.of(0, 1, 2, 3), List.of(5)));

    @Test
    void theWorkedCountOfTheJavadoc() {
        assertEquals(32, QUICKSTART.size());
        assertEquals("4 width x 2 n x 4 seed = 32 tasks", QUICKSTART.shape());
        List<List<Integer>> points = new ArrayList<>();
        QUICKSTART.forEach(points::add);
        assertEquals(32, points.size());
        assertEquals(List.of(16, 20, 0, 5), points.get(0));
        assertEquals(List.of(16, 20, 3, 5), points.get(3));
        assertEquals(List.of(16, 40, 0, 5), points.get(4));
        assertEquals(List.of(64, 20, 0, 5), points.get(8));
        assertEquals(List.of(1024, 40, 3, 5), points.get(31));
    }

    @Test
    void orderIsAnOdometerAndPointMatchesIteration() {
        Grid<String> g = new Grid<>(List.of("a", "b", "c"),
                List.of(List.of("a0", "a1"), List.of("b0", "b1", "b2"), List.of("c0", "c1")));
        long i = 0;
        List<List<String>> expected = new ArrayList<>();
        for (String a : List.of("a0", "a1")) {
            for (String b : List.of("b0", "b1", "b2")) {
                for (String c : List.of("c0", "c1")) {
                    expected.add(List.of(a, b, c));
                }
            }
        }
        for (List<String> p : g) {
            assertEquals(expected.get((int) i), p, "point " + i);
            assertEquals(p, g.point(i), "random access of point " + i);
            i++;
        }
        assertEquals(12, i);
        assertThrows(IndexOutOfBoundsException.class, () -> g.point(12));
    }

    @Test
    void aSinglePointAndNoAxes() {
        Grid<Integer> one = new Grid<>(List.of("width", "n"), List.of(List.of(8), List.of(4)));
        assertEquals("1 task", one.shape());
        assertEquals(List.of(List.of(8, 4)), toList(one));
        Grid<Integer> none = new Grid<>(List.of(), List.of());
        assertEquals(List.of(List.of()), toList(none));
        assertThrows(IllegalArgumentException.class, () -> new Grid<>(List.of("w"), List.of(List.of())));
    }

    private static <T> List<List<T>> toList(Grid<T> g) {
        List<List<T>> out = new ArrayList<>();
        g.forEach(out::add);
        return out;
    }
}

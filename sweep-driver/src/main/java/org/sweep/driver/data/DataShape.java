package org.sweep.driver.data;

/**
 * What a data file offers: its row count, the rows left after the class filter and the input
 * dimension d (features per row after flattening).
 */
public record DataShape(long fileRows, int rows, int d) {
}

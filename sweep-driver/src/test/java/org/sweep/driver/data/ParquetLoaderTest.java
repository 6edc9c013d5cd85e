package org.sweep.driver.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sweep.worker.Dataset;

/** Parquet tables (array column and numeric columns) load to the same rows as the equivalent CSV file. */
class ParquetLoaderTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[1]").appName("parquet-loader-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static final double[][] X = {{1, 2, 2}, {0, 3, 4}, {5, 0, 0}, {1, 1, 1}, {2, 0, 1}, {0, 0, 7}, {3, 3, 0}};
    private static final int[] Y = {4, 9, 4, 2, 9, 9, 4};

    @Test
    void arrayAndColumnLayoutsMatchCsv() throws IOException {
        StringBuilder csv = new StringBuilder("a,b,c,cls\n");
        List<Row> arrayRows = new ArrayList<>();
        List<Row> colRows = new ArrayList<>();
        for (int i = 0; i < X.length; i++) {
            csv.append(X[i][0]).append(',').append(X[i][1]).append(',').append(X[i][2]).append(',').append(Y[i]).append('\n');
            arrayRows.add(RowFactory.create((long) Y[i], X[i]));
            colRows.add(RowFactory.create(X[i][0], (float) X[i][1], (int) X[i][2], Y[i]));
        }
        Path csvFile = dir.resolve("t.csv");
        Files.writeString(csvFile, csv);
        StructType arraySchema = new StructType().add("cls", DataTypes.LongType)
                .add("pixels", DataTypes.createArrayType(DataTypes.DoubleType));
        StructType colSchema = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.FloatType)
                .add("c", DataTypes.IntegerType).add("cls", DataTypes.IntegerType);
        String arrayPath = dir.resolve("array.parquet").toString();
        String colPath = dir.resolve("cols.parquet").toString();
        spark.createDataFrame(arrayRows, arraySchema).coalesce(1).write().parquet(arrayPath);
        spark.createDataFrame(colRows, colSchema).coalesce(1).write().parquet(colPath);

        Dataset ref = DataLoader.load(DataSource.csv(csvFile.toString(), "cls", List.of("9", "4")), 5, 6);
        Dataset arr = DataLoader.load(DataSource.parquet(arrayPath, "cls", null, List.of("9", "4")), 5, 6);
        Dataset cols = DataLoader.load(DataSource.parquet(colPath, "cls", null, List.of("9", "4")), 5, 6);
        assertArrayEquals(ref.x(), arr.x());
        assertArrayEquals(ref.y(), arr.y());
        assertArrayEquals(ref.x(), cols.x());
        assertArrayEquals(ref.y(), cols.y());
        assertEquals(new DataShape(7, 6, 3), DataLoader.describe(DataSource.parquet(arrayPath, "cls", "pixels", List.of("9", "4"))));

        String m = assertThrows(DataException.class,
                () -> DataLoader.load(DataSource.parquet(arrayPath, "label", null, List.of()), 0, 2)).getMessage();
        assertEquals(arrayPath + ": label column 'label' is not in the schema (columns: cls, pixels)", m);
        String missing = dir.resolve("none.parquet").toString();
        m = assertThrows(DataException.class,
                () -> DataLoader.load(DataSource.parquet(missing, "cls", null, List.of()), 0, 2)).getMessage();
        assertTrue(m.equals(missing + ": Parquet file does not exist"), m);
        m = assertThrows(DataException.class,
                () -> DataLoader.load(DataSource.parquet(colPath, "cls", null, List.of("9", "5")), 0, 2)).getMessage();
        assertTrue(m.startsWith(colPath + ": unknown class '5'"), m);
    }
}

package org.sweep.driver.cli;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sweep.driver.store.ResultStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sweep export --table runs [--where SQL] --format csv|jsonl FILE}: one table (or the rows a
 * WHERE clause selects) as CSV or JSON lines, readable without a Parquet reader, e.g. by pandas:
 * {@code pd.read_csv(FILE)} or {@code pd.read_json(FILE, lines=True)}. Values read back exactly
 * (see {@link Values}); arrays are JSON arrays. The file appears complete or not at all.
 */
@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Write a stored table as CSV or JSON lines (one row per line; arrays as JSON arrays).",
                "pandas: pd.read_csv(FILE) or pd.read_json(FILE, lines=True)."})
final class ExportCommand implements Callable<Integer> {
    private final Main.Io io;

    @Mixin
    CommonOptions common;

    @Option(names = "--table", required = true, paramLabel = "TABLE",
            description = "runs, trajectories, spectra, sweeps, thresholds or exponents")
    String table;

    @Option(names = "--where", paramLabel = "SQL", description = "a SQL condition on the table's columns,"
            + " e.g. \"sweep = 'quickstart' AND width >= 64\"")
    String where;

    String format = "csv";

    @Option(names = "--format", paramLabel = "csv|jsonl", description = "file format (default: csv)")
    void format(String f) throws Main.UsageException {
        if (!List.of("csv", "jsonl").contains(f)) {
            throw new Main.UsageException("--format must be csv or jsonl, got '" + f + "'");
        }
        format = f;
    }

    @Parameters(paramLabel = "FILE", description = "the file to write ('-' for stdout)")
    String file;

    ExportCommand(Main.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        if (!Views.all().contains(table)) {
            throw new Main.UsageException("--table must be one of " + String.join(", ", Views.all()) + ", got '"
                    + table + "'");
        }
        ResultStore store = Main.existingStore(common, io.err());
        SparkSession spark = Main.session(Main.forQueries(common), "sweep export");
        new Views(spark, store).registerFor(table);
        if (!spark.catalog().tableExists(table)) {
            throw new Main.UsageException("no table " + table + " in " + store.location() + " (nothing written to it yet)");
        }
        String sql = "SELECT * FROM " + table + (where == null ? "" : " WHERE " + where);
        long rows;
        try {
            try {
                SqlGuard.check(spark, sql);
            } catch (SqlGuard.RefusedException e) {
                throw new Main.UsageException("--where " + where + ": " + e.getMessage());
            }
            Dataset<Row> df = spark.sql(sql);
            if (file.equals("-")) {
                Writer w = new OutputStreamWriter(io.out(), StandardCharsets.UTF_8);
                rows = write(df, w);
                w.flush();
                return Main.OK;
            }
            Path target = Path.of(file);
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                rows = write(df, w);
            } catch (Exception e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (Exception e) {
            String message = Main.sqlError(e);
            if (message != null) {
                throw new Main.UsageException((where == null ? "" : "--where " + where + ": ") + message);
            }
            throw e;
        }
        io.err().println("sweep: exported " + rows + " row(s) of " + table + " to " + file);
        return Main.OK;
    }

    private long write(Dataset<Row> df, Writer w) throws java.io.IOException {
        String[] names = df.schema().fieldNames();
        if (format.equals("csv")) {
            for (int i = 0; i < names.length; i++) {
                w.write((i > 0 ? "," : "") + Values.csv(names[i]));
            }
            w.write('\n');
        }
        long n = 0;
        Iterator<Row> it = df.toLocalIterator();
        StringBuilder b = new StringBuilder();
        while (it.hasNext()) {
            Row r = it.next();
            b.setLength(0);
            if (format.equals("csv")) {
                for (int i = 0; i < names.length; i++) {
                    b.append(i > 0 ? "," : "").append(Values.csv(r.get(i)));
                }
            } else {
                b.append('{');
                for (int i = 0; i < names.length; i++) {
                    b.append(i > 0 ? "," : "").append(Values.string(names[i])).append(':').append(Values.json(r.get(i)));
                }
                b.append('}');
            }
            w.write(b.append('\n').toString());
            n++;
        }
        return n;
    }
}

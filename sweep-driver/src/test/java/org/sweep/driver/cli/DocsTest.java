package org.sweep.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.sweep.driver.analysis.ThresholdAnalysis;
import org.sweep.driver.store.Tables;

/**
 * The documentation matches the code: every column of every table is in the README's Tables section
 * with its type, in schema order; every relative link in the project's Markdown files and notebooks
 * resolves inside the repository (so it works in a fresh clone); CI runs the README's test command.
 */
class DocsTest {
    /** The repository root seen from the sweep-driver module, where surefire runs. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** A documented column row: the names in its first cell and its type cell. */
    record DocRow(List<String> names, String type, boolean placeholder) {
    }

    /** The tables of the README's "## Tables" section, by the first word of their "### name: ..." heading. */
    static Map<String, List<DocRow>> readmeTables(String readme) {
        Map<String, List<DocRow>> tables = new LinkedHashMap<>();
        boolean inTables = false;
        List<DocRow> current = null;
        for (String line : readme.split("\n", -1)) {
            if (line.startsWith("## ")) {
                inTables = line.trim().equals("## Tables");
                current = null;
            } else if (inTables && line.startsWith("### ")) {
                String name = line.substring(4).split("[:\\s]", 2)[0];
                current = new ArrayList<>();
                tables.put(name, current);
            } else if (current != null && line.startsWith("|")) {
                String[] cells = line.split("\\|");
                String first = cells[1].trim();
                if (first.equals("column") || first.startsWith("---")) {
                    continue;
                }
                boolean placeholder = first.startsWith("*");
                List<String> names = new ArrayList<>();
                for (String n : first.split(",")) {
                    names.add(n.trim().replace("`", ""));
                }
                current.add(new DocRow(names, cells[2].trim(), placeholder));
            }
        }
        return tables;
    }

    /**
     * Checks one table's documentation against its schema: the same columns in the same order, each
     * with its Spark type ({@code string}, {@code int}, {@code bigint}, {@code double}, {@code boolean},
     * {@code timestamp}, {@code array<double>}) at the start of the type cell. With {@code axes}, the
     * documentation must also hold one placeholder row for the columns that differ between sweeps.
     */
    static void assertDocumented(String table, StructType schema, List<DocRow> rows, boolean axes) {
        assertNotNull(rows, "README.md has no section '### " + table + ": ...' under '## Tables'");
        List<String> documented = new ArrayList<>();
        for (DocRow r : rows) {
            if (!r.placeholder()) {
                documented.addAll(r.names());
            }
        }
        List<String> actual = List.of(schema.fieldNames());
        List<String> undocumented = new ArrayList<>(actual);
        undocumented.removeAll(documented);
        List<String> unknown = new ArrayList<>(documented);
        unknown.removeAll(actual);
        assertTrue(undocumented.isEmpty(), table + ": columns missing from README.md: " + undocumented);
        assertTrue(unknown.isEmpty(), table + ": README.md documents columns the schema lacks: " + unknown);
        assertEquals(actual, documented, table + ": README.md lists the columns in another order than the schema");
        for (DocRow r : rows) {
            if (r.placeholder()) {
                continue;
            }
            for (String name : r.names()) {
                StructField f = schema.apply(name);
                String type = f.dataType().simpleString();
                assertTrue(r.type().equals(type) || r.type().startsWith(type + " "),
                        table + "." + name + ": README.md says type '" + r.type() + "', the schema has " + type);
            }
        }
        assertEquals(axes, rows.stream().anyMatch(DocRow::placeholder),
                table + (axes ? ": README.md must document the per-sweep axis columns with a row '| *axis columns* | ...'"
                        : ": a placeholder row where every column is fixed"));
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    @Test
    void everyColumnOfEveryTableIsDocumentedInTheReadme() throws IOException {
        Map<String, List<DocRow>> doc = readmeTables(read(ROOT.resolve("README.md")));
        for (String table : Tables.ALL) {
            assertDocumented(table, Tables.schema(table), doc.get(table), false);
        }
        // the analysis tables without group axes: their fixed columns, the axes documented by a placeholder row
        ThresholdAnalysis.Result noAxes = new ThresholdAnalysis.Result(null, List.of(), List.of(), List.of(), List.of(),
                0, 0, List.of());
        assertDocumented("thresholds", noAxes.thresholdsSchema(), doc.get("thresholds"), true);
        assertDocumented("exponents", noAxes.exponentsSchema(), doc.get("exponents"), true);
        assertEquals(List.of("runs", "trajectories", "spectra", "sweeps", "thresholds", "exponents"),
                List.copyOf(doc.keySet()), "README.md documents exactly the tables there are");
    }

    /** The parser finds a missing column, a stray column, a wrong type and a wrong order. */
    @Test
    void theTableCheckFailsOnEveryKindOfMismatch() throws IOException {
        String readme = read(ROOT.resolve("README.md"));
        StructType schema = Tables.schema(Tables.SPECTRA);
        String row = "| label_proj | array<double> |";
        assertTrue(readme.contains(row));
        List<String> broken = List.of(
                readme.replaceFirst(Pattern.quote(row) + "[^\n]*\n", ""),
                readme.replace(row, row.replace("array<double>", "double")),
                readme.replace(row, row + " x |\n| extra_column | double |"),
                readme.replace("| matrix | string |", "| step | int | x |\n| matrix | string |")
                        .replaceFirst("\\| step \\| int \\| step of the matrix[^\n]*\n", ""));
        for (String b : broken) {
            assertFalse(b.equals(readme), "the edit applies");
            List<DocRow> rows = readmeTables(b).get("spectra");
            assertThrowsAssertion(() -> assertDocumented("spectra", schema, rows, false));
        }
        assertDocumented("spectra", schema, readmeTables(readme).get("spectra"), false);
    }

    private static void assertThrowsAssertion(Runnable r) {
        org.junit.jupiter.api.Assertions.assertThrows(org.opentest4j.AssertionFailedError.class, r::run);
    }

    // ---- links

    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]\\n]*\\]\\(([^)\\s\"]+)(?:\\s+\"[^\"]*\")?\\)");

    /** The project's Markdown files (outside build output) and notebooks. */
    static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(ROOT)) {
            s.filter(Files::isRegularFile)
                    .filter(p -> {
                        String rel = ROOT.relativize(p).toString().replace('\\', '/');
                        return (rel.endsWith(".md") || rel.endsWith(".ipynb")) && !rel.contains("/target/")
                                && !rel.startsWith(".") && !rel.contains("/.") && !rel.startsWith("results");
                    })
                    .sorted().forEach(docs::add);
        }
        return docs;
    }

    /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
    static String slug(String heading) {
        String s = heading.trim().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "");
        return s.replace(' ', '-');
    }

    static List<String> anchors(Path markdown) throws IOException {
        List<String> out = new ArrayList<>();
        boolean fence = false;
        for (String line : read(markdown).split("\n")) {
            if (line.startsWith("```")) {
                fence = !fence;
            } else if (!fence && line.matches("#{1,6} .*")) {
                out.add(slug(line.replaceFirst("#{1,6} ", "")));
            }
        }
        return out;
    }

    @Test
    void everyRelativeLinkResolvesInsideTheRepository() throws IOException {
        List<Path> docs = documents();
        assertTrue(docs.contains(ROOT.resolve("docs/science.md")), "docs/science.md is part of the repository");
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path doc : docs) {
            String text = read(doc);
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("[a-z]+:.*")) {
                    continue; // http(s), mailto: not part of the clone
                }
                checked++;
                String where = ROOT.relativize(doc) + ": (" + target + ")";
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
                if (!resolved.startsWith(ROOT)) {
                    broken.add(where + " points outside the repository");
                } else if (!Files.exists(resolved)) {
                    broken.add(where + " does not exist");
                } else if (hash >= 0 && resolved.toString().endsWith(".md")
                        && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(where + " names no heading of " + ROOT.relativize(resolved));
                }
            }
        }
        assertTrue(broken.isEmpty(), "broken links:\n" + String.join("\n", broken));
        assertTrue(checked >= 10, "the link pattern finds the links (" + checked + ")");
    }

    @Test
    void slugsFollowGithub() {
        assertEquals("thresholds-one-row-per-sweep-criterion-group-of-analyze-threshold",
                slug("thresholds: one row per (sweep, criterion, group) of `analyze threshold`"));
        assertEquals("set-up-two-commands-on-a-fresh-machine", slug("Set-up: two commands on a fresh machine"));
    }

    // ---- set-up

    /** The README's set-up block: its two commands, without comments. */
    static List<String> setupCommands(String readme) {
        int section = readme.indexOf("## Set-up");
        int start = readme.indexOf("```bash\n", section) + "```bash\n".length();
        int end = readme.indexOf("```", start);
        List<String> out = new ArrayList<>();
        for (String line : readme.substring(start, end).split("\n")) {
            String cmd = line.replaceFirst("#.*", "").trim();
            if (!cmd.isEmpty()) {
                out.add(cmd);
            }
        }
        return out;
    }

    @Test
    void ciRunsExactlyTheReadmesTestCommand() throws IOException {
        List<String> setup = setupCommands(read(ROOT.resolve("README.md")));
        assertEquals(List.of("bin/sweep run conf/quickstart.yaml", "bin/test"), setup);
        List<String> ciCommands = new ArrayList<>();
        for (String line : read(ROOT.resolve(".ci/run")).split("\n")) {
            if (line.startsWith("bin/")) {
                ciCommands.add(line.trim());
            }
        }
        assertEquals(List.of(setup.get(1)), ciCommands, ".ci/run runs the README's test command and no other bin/ script");
        // the packages bin/test installs are the ones the README names
        String test = read(ROOT.resolve("bin/test"));
        Matcher m = Pattern.compile("packages=\\(([^)]*)\\)").matcher(test);
        assertTrue(m.find(), "bin/test lists its packages");
        String readme = read(ROOT.resolve("README.md")).replaceAll("\\s+", " ");
        assertTrue(readme.contains("(`" + m.group(1).trim() + "`)"), "README.md names bin/test's packages: " + m.group(1));
    }
}

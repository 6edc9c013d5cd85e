package org.sweep.driver.cli;

import org.sweep.driver.analysis.Analyze;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.trees.TreeNode;
import org.apache.spark.sql.execution.command.ExplainCommand;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Admits only read-only SQL to {@code bin/sweep sql}: queries (SELECT, WITH, VALUES, TABLE) and the
 * inspection commands SHOW / DESCRIBE / EXPLAIN. The text is parsed with Spark's own parser and the
 * resulting plan inspected (never the text), so comments, case or a leading WITH cannot smuggle a
 * write past it. Refused: every other command (INSERT, CREATE, DROP, ALTER, CACHE, UNCACHE, SET,
 * RESET, ADD JAR/FILE, USE, REFRESH, MSCK, TRUNCATE, LOAD, MERGE, UPDATE, DELETE, ANALYZE, CALL,
 * EXECUTE IMMEDIATE, ...), and the
 * functions that call arbitrary Java methods ({@code reflect}, {@code java_method},
 * {@code try_reflect}). Reading files by path ({@code parquet.`/path`}) is off in the session
 * ({@code spark.sql.runSQLOnFiles=false}).
 */
public final class SqlGuard {
    private SqlGuard() {
    }

    /** A refused or unparsable statement; the message is meant for the user. */
    public static final class RefusedException extends Exception {
        RefusedException(String message) {
            super(message);
        }
    }

    /** Inspection commands that read metadata only. */
    static final Set<String> READ_ONLY_COMMANDS = Set.of(
            "ShowTables", "ShowTablesExtended", "ShowViews", "ShowColumns", "ShowFunctions", "ShowNamespaces",
            "ShowCreateTable", "ShowTableProperties", "ShowPartitions", "ShowCatalogsCommand",
            "ShowCurrentNamespaceCommand", "ShowCollationsCommand",
            "DescribeRelation", "DescribeColumn", "DescribeFunction", "DescribeQueryCommand", "DescribeNamespace",
            "ExplainCommand");

    /** Logical nodes that write even when they are not {@link Command}s. */
    static final Set<String> WRITES = Set.of("InsertIntoStatement", "InsertIntoDir", "MergeIntoTable",
            "DeleteFromTable", "UpdateTable", "CacheTableAsSelect", "CreateTableAsSelect", "ReplaceTableAsSelect",
            "AppendData", "OverwriteByExpression", "OverwritePartitionsDynamic");

    /**
     * Plan nodes refused by name although they are not {@link Command}s, e.g.
     * {@code UnresolvedExecuteImmediate} (EXECUTE IMMEDIATE runs a statement given as a string) or
     * {@code UnresolvedCall}. No query operator's name contains these words.
     */
    static final java.util.regex.Pattern DENIED_NODE = java.util.regex.Pattern.compile(
            ".*(Execute|Call|Insert|Create|Drop|Alter|Cache|Delete|Update|Merge|Truncate|Refresh|Load|Repair"
                    + "|Analyze|Declare|Command|Statement|Write|Append|Overwrite|Replace).*|Set(?!Operation).*|Use.*");

    /** Functions that run arbitrary Java code. */
    static final Set<String> FORBIDDEN_FUNCTIONS = Set.of("reflect", "java_method", "try_reflect");

    static final String ALLOWED = "only read-only statements are allowed: SELECT, WITH, SHOW, DESCRIBE, EXPLAIN";

    /**
     * Parses {@code sql} and returns it if read-only.
     *
     * @throws RefusedException naming what was refused, or the parse error
     */
    public static LogicalPlan check(SparkSession spark, String sql) throws RefusedException {
        if (sql == null || sql.isBlank()) {
            throw new RefusedException("empty SQL statement; " + ALLOWED);
        }
        LogicalPlan plan;
        try {
            plan = spark.sessionState().sqlParser().parsePlan(sql);
        } catch (ParseException e) {
            throw new RefusedException("SQL syntax error: " + e.getMessage());
        }
        String what = firstWord(sql);
        if (plan instanceof Command && READ_ONLY_COMMANDS.contains(plan.getClass().getSimpleName())) {
            // SHOW/DESCRIBE read metadata; EXPLAIN plans but never runs its statement. The statement
            // under DESCRIBE QUERY / EXPLAIN must still be read-only.
            if (plan instanceof ExplainCommand explain) {
                walk(explain.logicalPlan(), what);
            }
            for (TreeNode<?> inner : children(plan)) {
                if (inner instanceof LogicalPlan p) {
                    walk(p, what);
                }
            }
            return plan;
        }
        walk(plan, what);
        return plan;
    }

    private static String firstWord(String sql) {
        String s = sql.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ").trim();
        int end = 0;
        while (end < s.length() && Character.isLetter(s.charAt(end))) {
            end++;
        }
        return end == 0 ? "statement" : s.substring(0, end).toUpperCase(Locale.ROOT);
    }

    private static List<TreeNode<?>> children(TreeNode<?> node) {
        List<TreeNode<?>> out = new java.util.ArrayList<>();
        for (Object c : CollectionConverters.asJava(node.children())) {
            out.add((TreeNode<?>) c);
        }
        for (Object c : CollectionConverters.asJava(node.innerChildren())) {
            out.add((TreeNode<?>) c);
        }
        if (node instanceof LogicalPlan p) {
            for (Object e : CollectionConverters.asJava(p.expressions())) {
                out.add((TreeNode<?>) e);
            }
        }
        if (node instanceof SubqueryExpression sq) {
            out.add(sq.plan());
        }
        return out;
    }

    private static void walk(LogicalPlan root, String what) throws RefusedException {
        Deque<TreeNode<?>> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            TreeNode<?> node = todo.pop();
            String cls = node.getClass().getSimpleName();
            if (node instanceof LogicalPlan && !READ_ONLY_COMMANDS.contains(cls)
                    && (node instanceof Command || WRITES.contains(cls) || DENIED_NODE.matcher(cls).matches())) {
                throw new RefusedException("refused " + what + " (" + cls + "): " + ALLOWED
                        + "; the result tables are changed only by bin/sweep run");
            }
            if (node instanceof UnresolvedFunction f) {
                List<String> parts = CollectionConverters.asJava(f.nameParts());
                String name = parts.get(parts.size() - 1).toLowerCase(Locale.ROOT);
                if (FORBIDDEN_FUNCTIONS.contains(name)) {
                    throw new RefusedException("refused function " + name + "(): it calls arbitrary Java methods; "
                            + ALLOWED);
                }
            }
            if (node instanceof Expression || node instanceof LogicalPlan) {
                for (TreeNode<?> c : children(node)) {
                    todo.push(c);
                }
            }
        }
    }
}

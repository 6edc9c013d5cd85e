package org.sweep.driver.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.analysis.PlanWithUnresolvedIdentifier;
import org.apache.spark.sql.catalyst.analysis.TableFunctionRegistry;
import org.apache.spark.sql.catalyst.analysis.UnresolvedHaving;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedHint;
import org.apache.spark.sql.catalyst.analysis.UnresolvedInlineTable;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedSubqueryColumnAliases;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTVFAliases;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableValuedFunction;
import org.apache.spark.sql.catalyst.expressions.*;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationDef;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationRef;
import org.apache.spark.sql.catalyst.plans.logical.Deduplicate;
import org.apache.spark.sql.catalyst.plans.logical.DescribeColumn;
import org.apache.spark.sql.catalyst.plans.logical.DescribeFunction;
import org.apache.spark.sql.catalyst.plans.logical.DescribeRelation;
import org.apache.spark.sql.catalyst.plans.logical.Distinct;
import org.apache.spark.sql.catalyst.plans.logical.Except;
import org.apache.spark.sql.catalyst.plans.logical.Expand;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.Generate;
import org.apache.spark.sql.catalyst.plans.logical.GlobalLimit;
import org.apache.spark.sql.catalyst.plans.logical.Intersect;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.LateralJoin;
import org.apache.spark.sql.catalyst.plans.logical.LocalLimit;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Offset;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.plans.logical.Pivot;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Range;
import org.apache.spark.sql.catalyst.plans.logical.RebalancePartitions;
import org.apache.spark.sql.catalyst.plans.logical.Repartition;
import org.apache.spark.sql.catalyst.plans.logical.RepartitionByExpression;
import org.apache.spark.sql.catalyst.plans.logical.ResolvedHint;
import org.apache.spark.sql.catalyst.plans.logical.Sample;
import org.apache.spark.sql.catalyst.plans.logical.ShowColumns;
import org.apache.spark.sql.catalyst.plans.logical.ShowFunctions;
import org.apache.spark.sql.catalyst.plans.logical.ShowTables;
import org.apache.spark.sql.catalyst.plans.logical.ShowViews;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.plans.logical.Tail;
import org.apache.spark.sql.catalyst.plans.logical.Union;
import org.apache.spark.sql.catalyst.plans.logical.Unpivot;
import org.apache.spark.sql.catalyst.plans.logical.View;
import org.apache.spark.sql.catalyst.plans.logical.Window;
import org.apache.spark.sql.catalyst.plans.logical.WithCTE;
import org.apache.spark.sql.catalyst.plans.logical.WithWindowDefinition;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import org.apache.spark.sql.catalyst.trees.TreeNode;
import org.apache.spark.sql.execution.CommandExecutionMode;
import org.apache.spark.sql.execution.command.DescribeColumnCommand;
import org.apache.spark.sql.execution.command.DescribeFunctionCommand;
import org.apache.spark.sql.execution.command.DescribeQueryCommand;
import org.apache.spark.sql.execution.command.DescribeTableCommand;
import org.apache.spark.sql.execution.command.ExplainCommand;
import org.apache.spark.sql.execution.command.ShowColumnsCommand;
import org.apache.spark.sql.execution.command.ShowFunctionsCommand;
import org.apache.spark.sql.execution.command.ShowTablesCommand;
import org.apache.spark.sql.execution.command.ShowViewsCommand;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Admits only read-only SQL to {@code bin/sweep sql}, by allow-lists rather than by naming what is
 * dangerous:
 * <ol>
 *   <li>The statement is parsed and every node of the parsed plan (subqueries and CTE definitions
 *       included) must be a query operator of {@link #PARSED_NODES}, or the statement one of the
 *       inspection commands SHOW / DESCRIBE / EXPLAIN. This happens before analysis because Spark
 *       runs some statements while analysing them (EXECUTE IMMEDIATE, SQL scripts).</li>
 *   <li>The statement is analysed in a session made by {@link #readOnlySession}, whose function
 *       registries hold only the builtin functions of the allow-list {@code sql-functions.txt}; a
 *       function not on it (reflect, java_method, ...) cannot even be resolved, whatever way its
 *       name is spelled ({@code IDENTIFIER('refl'||'ect')}).</li>
 *   <li>Every node of the analysed plan must be a read-only operator of {@link #ANALYZED_NODES}, and
 *       every expression (in subquery plans too) of a class that the allowed functions, the SQL
 *       syntax or the analyser produce ({@link #allowedExpressions}). The project's own views are
 *       trusted as a whole; a scan of anything else (a file by path, a catalog table) is refused.</li>
 * </ol>
 * Nothing is executed before the guard said yes; {@code sql} then runs the same text in the same
 * session.
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

    static final String ALLOWED = "only read-only statements are allowed: SELECT, WITH, VALUES, TABLE, SHOW, DESCRIBE,"
            + " EXPLAIN";

    /**
     * Deepest bracket nesting admitted. Spark's parser and analyser recurse once per level; far
     * below where a 4 MiB thread stack overflows, far above what a hand-written query needs.
     */
    public static final int MAX_NESTING = 200;

    /** Longest statement admitted, in characters. */
    public static final int MAX_LENGTH = 1_000_000;

    /** Query operators of a parsed (not yet analysed) statement. */
    static final Set<Class<?>> PARSED_NODES = Set.of(Project.class, Filter.class, Aggregate.class, Join.class,
            LateralJoin.class, Window.class, WithWindowDefinition.class, Sort.class, GlobalLimit.class,
            LocalLimit.class, Offset.class, Tail.class, Union.class, Intersect.class, Except.class, Distinct.class,
            Deduplicate.class, Generate.class, SubqueryAlias.class, LocalRelation.class, OneRowRelation.class,
            Range.class, Sample.class, Pivot.class, Unpivot.class, Expand.class, RepartitionByExpression.class,
            Repartition.class, RebalancePartitions.class, UnresolvedWith.class, UnresolvedRelation.class,
            UnresolvedInlineTable.class, UnresolvedHint.class, UnresolvedHaving.class,
            UnresolvedSubqueryColumnAliases.class, UnresolvedTableValuedFunction.class, UnresolvedTVFAliases.class,
            PlanWithUnresolvedIdentifier.class);

    /** Read-only operators of an analysed query ({@link View}s are checked apart). */
    static final Set<Class<?>> ANALYZED_NODES = Set.of(Project.class, Filter.class, Aggregate.class, Join.class,
            LateralJoin.class, Window.class, Sort.class, GlobalLimit.class, LocalLimit.class, Offset.class,
            Tail.class, Union.class, Intersect.class, Except.class, Distinct.class, Deduplicate.class, Generate.class,
            SubqueryAlias.class, LocalRelation.class, OneRowRelation.class, Range.class, Sample.class, Expand.class,
            RepartitionByExpression.class, Repartition.class, RebalancePartitions.class, ResolvedHint.class,
            WithCTE.class, CTERelationDef.class, CTERelationRef.class);

    /** Inspection statements as parsed; they read catalog metadata only. */
    static final Set<Class<?>> PARSED_INSPECTIONS = Set.of(ShowTables.class, ShowViews.class, ShowColumns.class,
            ShowFunctions.class, DescribeRelation.class, DescribeColumn.class, DescribeFunction.class);

    /** The same after analysis. */
    static final Set<Class<?>> ANALYZED_INSPECTIONS = Set.of(ShowTables.class, ShowTablesCommand.class,
            ShowViews.class, ShowViewsCommand.class, ShowColumns.class, ShowColumnsCommand.class,
            ShowFunctions.class, ShowFunctionsCommand.class, DescribeTableCommand.class, DescribeColumnCommand.class,
            DescribeFunction.class, DescribeFunctionCommand.class);

    /**
     * Expressions the SQL syntax and the analyser produce by themselves (not through a function
     * name): references, aliases, literals, sort orders, aggregate and window wrappers, subqueries,
     * lambdas, field access, the analyser's casts and null checks.
     */
    static final Set<Class<?>> SYNTAX_EXPRESSIONS = Set.of(AttributeReference.class, Alias.class, Literal.class,
            SortOrder.class, AggregateExpression.class, WindowExpression.class, WindowSpecDefinition.class,
            SpecifiedWindowFrame.class, UnspecifiedFrame$.class, RowFrame$.class, RangeFrame$.class,
            UnboundedPreceding$.class, UnboundedFollowing$.class, CurrentRow$.class, ScalarSubquery.class,
            Exists.class, ListQuery.class, InSubquery.class, LateralSubquery.class, OuterReference.class,
            NamedLambdaVariable.class, LambdaFunction.class, GetStructField.class, GetArrayItem.class,
            GetMapValue.class, GetArrayStructFields.class, Cast.class, In.class, InSet.class, KnownNotNull.class,
            KnownFloatingPointNormalized.class, IsNull.class, IsNotNull.class, If.class, CaseWhen.class,
            Coalesce.class, CreateNamedStruct.class, CreateArray.class, CreateMap.class, Not.class, And.class,
            Or.class, EqualTo.class, EqualNullSafe.class, LessThan.class, LessThanOrEqual.class, GreaterThan.class,
            GreaterThanOrEqual.class, Add.class, Subtract.class, Multiply.class, Divide.class, Remainder.class,
            UnaryMinus.class, DateAddInterval.class, DatetimeSub.class, Explode.class,
            PosExplode.class, Inline.class, Stack.class, JsonTuple.class);

    /** Settings a {@code --conf} may not change for {@code sql}: they would widen what SQL can reach. */
    static final List<String> GUARDED_CONF_PREFIXES = List.of("spark.sql.runSQLOnFiles", "spark.sql.extensions",
            "spark.sql.catalog.", "spark.sql.catalogImplementation", "spark.sql.defaultCatalog",
            "spark.sql.queryExecutionListeners", "spark.sql.streaming.", "spark.sql.legacy.", "spark.jars",
            "spark.plugins", "spark.extraListeners", "spark.driver.extraClassPath", "spark.files",
            "spark.archives", "spark.sql.scripting");

    /** Names of the allowed builtin functions (resource {@code sql-functions.txt}). */
    public static Set<String> allowedFunctions() {
        return functionList(false);
    }

    /** Builtin functions deliberately left out, each with its reason in {@code sql-functions.txt}. */
    public static Set<String> excludedFunctions() {
        return functionList(true);
    }

    private static Set<String> functionList(boolean excluded) {
        try (InputStream in = SqlGuard.class.getResourceAsStream("sql-functions.txt")) {
            if (in == null) {
                throw new IllegalStateException("resource sql-functions.txt is missing from the build");
            }
            Set<String> out = new LinkedHashSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) {
                    continue;
                }
                String[] words = s.split("\\s+");
                if (words[0].equals("excluded") && words.length > 1) {
                    if (excluded) {
                        out.add(words[1]);
                    }
                } else if (!excluded) {
                    out.add(words[0]);
                }
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read sql-functions.txt: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses {@code --conf} settings of {@link #GUARDED_CONF_PREFIXES} for {@code sql}.
     *
     * @throws RefusedException naming the setting
     */
    public static void checkConf(Map<String, String> conf) throws RefusedException {
        for (String key : conf.keySet()) {
            for (String p : GUARDED_CONF_PREFIXES) {
                if (key.startsWith(p)) {
                    throw new RefusedException("--conf " + key + " is refused for sql: it would let SQL reach"
                            + " beyond the result views");
                }
            }
        }
    }

    /**
     * A session for user SQL on the SparkContext of {@code spark}: its own temp views and settings,
     * files by path off, and function registries pruned to {@link #allowedFunctions()}.
     */
    public static SparkSession readOnlySession(SparkSession spark) {
        SparkSession s = spark.newSession();
        s.conf().set("spark.sql.runSQLOnFiles", "false");
        Set<String> allowed = allowedFunctions();
        FunctionRegistry reg = s.sessionState().functionRegistry();
        for (FunctionIdentifier id : CollectionConverters.asJava(reg.listFunction())) {
            if (!allowed.contains(id.funcName().toLowerCase(Locale.ROOT))) {
                reg.dropFunction(id);
            }
        }
        TableFunctionRegistry tvf = s.sessionState().tableFunctionRegistry();
        for (FunctionIdentifier id : CollectionConverters.asJava(tvf.listFunction())) {
            if (!allowed.contains(id.funcName().toLowerCase(Locale.ROOT))) {
                tvf.dropFunction(id);
            }
        }
        return s;
    }

    private static volatile Set<Class<?>> expressionCache;

    /**
     * Expression classes admitted in an analysed plan: {@link #SYNTAX_EXPRESSIONS} and every class
     * in the expression trees that the allowed builtin functions build (each called with 0 to 5
     * literal arguments of a few types; a RuntimeReplaceable's replacement included).
     */
    static Set<Class<?>> allowedExpressions() {
        Set<Class<?>> cached = expressionCache;
        if (cached != null) {
            return cached;
        }
        Set<Class<?>> out = new HashSet<>(SYNTAX_EXPRESSIONS);
        FunctionRegistry reg = org.apache.spark.sql.catalyst.analysis.FunctionRegistry$.MODULE$.builtin();
        List<Expression> samples = List.of(Literal$.MODULE$.apply(1), Literal$.MODULE$.apply("a"),
                Literal$.MODULE$.apply(1.5), Literal$.MODULE$.apply(true),
                Literal$.MODULE$.apply(java.sql.Date.valueOf("2020-01-01")));
        for (String name : allowedFunctions()) {
            FunctionIdentifier id = FunctionIdentifier.apply(name);
            if (reg.lookupFunction(id).isEmpty()) {
                continue;
            }
            String cls = reg.lookupFunction(id).get().getClassName();
            try {
                Class<?> c = Class.forName(cls, false, SqlGuard.class.getClassLoader());
                if (Expression.class.isAssignableFrom(c)) {
                    out.add(c);
                }
            } catch (ClassNotFoundException | LinkageError e) {
                // a builder object or a class of an absent module: nothing to admit
            }
            for (int n = 0; n <= 5; n++) {
                for (Expression sample : samples) {
                    List<Expression> args = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        args.add(sample);
                    }
                    try {
                        Expression e = reg.lookupFunction(id, CollectionConverters.asScala(args).toSeq());
                        collect(e, out);
                    } catch (Exception | LinkageError | AssertionError e) {
                        // wrong arity or types for this function: try the next shape
                    }
                }
            }
        }
        expressionCache = Set.copyOf(out);
        return expressionCache;
    }

    private static void collect(Expression root, Set<Class<?>> out) {
        Deque<Expression> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Expression e = todo.pop();
            if (!out.add(e.getClass()) && !(e instanceof RuntimeReplaceable)) {
                continue;
            }
            for (Object c : CollectionConverters.asJava(e.children())) {
                todo.push((Expression) c);
            }
            if (e instanceof RuntimeReplaceable r) {
                try {
                    todo.push(r.replacement());
                } catch (Exception | LinkageError | AssertionError ex) {
                    // the replacement cannot be built from sample arguments
                }
            }
        }
    }

    /**
     * Parses, checks, analyses and checks again; returns the parsed plan, to be run as it is.
     * {@code spark} must come from {@link #readOnlySession} and have the project's views registered.
     *
     * @throws RefusedException naming what was refused, or the parse or analysis error
     */
    public static LogicalPlan check(SparkSession spark, String sql) throws RefusedException {
        if (sql == null || sql.isBlank()) {
            throw new RefusedException("empty SQL statement; " + ALLOWED);
        }
        if (sql.length() > MAX_LENGTH) {
            throw new RefusedException("SQL statement of " + sql.length() + " characters; at most " + MAX_LENGTH);
        }
        int depth = nesting(sql);
        if (depth > MAX_NESTING) {
            throw new RefusedException("SQL statement nested " + depth + " brackets deep; at most " + MAX_NESTING);
        }
        LogicalPlan parsed;
        try {
            parsed = spark.sessionState().sqlParser().parsePlan(sql);
        } catch (ParseException e) {
            throw new RefusedException("SQL syntax error: " + firstLine(e.getMessage()));
        } catch (StackOverflowError e) {
            throw new RefusedException("SQL statement too deeply nested to parse");
        }
        checkStatement(spark, parsed);
        return parsed;
    }

    private static void checkStatement(SparkSession spark, LogicalPlan parsed) throws RefusedException {
        if (parsed instanceof ExplainCommand explain) {
            checkStatement(spark, explain.logicalPlan());
            return;
        }
        if (parsed instanceof DescribeQueryCommand describe) {
            checkStatement(spark, describe.plan());
            return;
        }
        boolean inspection = PARSED_INSPECTIONS.contains(parsed.getClass());
        if (!inspection) {
            checkParsed(parsed);
        }
        LogicalPlan analyzed;
        try {
            analyzed = spark.sessionState().executePlan(parsed, CommandExecutionMode.SKIP()).analyzed();
        } catch (Exception e) {
            // AnalysisException and the like: unknown view, column or function, type errors
            throw new RefusedException(firstLine(e.getMessage()));
        } catch (StackOverflowError e) {
            throw new RefusedException("SQL statement too deeply nested to analyse");
        }
        if (inspection) {
            if (!ANALYZED_INSPECTIONS.contains(analyzed.getClass())) {
                throw refused(analyzed);
            }
            return;
        }
        checkAnalyzed(analyzed);
    }

    /** Brackets nesting depth outside quotes and comments. */
    static int nesting(String sql) {
        int depth = 0;
        int max = 0;
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (quote != 0) {
                if (c == '\\' && quote != '`') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                while (i < sql.length() && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '(' || c == '[') {
                max = Math.max(max, ++depth);
            } else if (c == ')' || c == ']') {
                depth--;
            }
        }
        return max;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    private static RefusedException refused(TreeNode<?> node) {
        String what = node instanceof LogicalPlan ? "operator " : "expression ";
        return new RefusedException("refused " + what + node.getClass().getSimpleName() + " (" + describe(node)
                + "): " + ALLOWED + "; the result tables are changed only by bin/sweep run");
    }

    private static String describe(TreeNode<?> node) {
        String s = firstLine(node.simpleString(60));
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /** Parsed plan: only query operators, in subqueries and CTEs too. */
    private static void checkParsed(LogicalPlan root) throws RefusedException {
        Deque<TreeNode<?>> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            TreeNode<?> node = todo.pop();
            if (node instanceof LogicalPlan p) {
                if (!PARSED_NODES.contains(p.getClass())) {
                    throw refused(p);
                }
                pushPlanParts(p, todo);
            } else if (node instanceof Expression e) {
                if (e instanceof SubqueryExpression sq) {
                    todo.push(sq.plan());
                }
                for (Object c : CollectionConverters.asJava(e.children())) {
                    todo.push((TreeNode<?>) c);
                }
            }
        }
    }

    /** Analysed plan: read-only operators over the project's views, allowed expressions only. */
    private static void checkAnalyzed(LogicalPlan root) throws RefusedException {
        Set<Class<?>> expressions = allowedExpressions();
        Deque<TreeNode<?>> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            TreeNode<?> node = todo.pop();
            if (node instanceof View v) {
                // The project's views (registered by sql itself; no statement can create one) are
                // trusted as a whole; anything else named a view is not.
                if (!v.isTempView()) {
                    throw refused(v);
                }
                continue;
            }
            if (node instanceof LogicalPlan p) {
                if (!ANALYZED_NODES.contains(p.getClass())) {
                    throw refused(p);
                }
                pushPlanParts(p, todo);
            } else if (node instanceof Expression e) {
                if (!expressions.contains(e.getClass())) {
                    throw refused(e);
                }
                if (e instanceof SubqueryExpression sq) {
                    todo.push(sq.plan());
                }
                for (Object c : CollectionConverters.asJava(e.children())) {
                    todo.push((TreeNode<?>) c);
                }
            }
        }
    }

    private static void pushPlanParts(LogicalPlan p, Deque<TreeNode<?>> todo) {
        for (Object c : CollectionConverters.asJava(p.children())) {
            todo.push((TreeNode<?>) c);
        }
        for (Object c : CollectionConverters.asJava(p.innerChildren())) {
            todo.push((TreeNode<?>) c);
        }
        for (Object e : CollectionConverters.asJava(p.expressions())) {
            todo.push((TreeNode<?>) e);
        }
    }
}

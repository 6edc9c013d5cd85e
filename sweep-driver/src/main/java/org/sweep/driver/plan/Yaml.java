package org.sweep.driver.plan;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * A small YAML tree with an {@link Origin} on every node, built from snakeyaml-engine's composed
 * {@link Node}s. Nothing is constructed into Java objects by the YAML library (no tags are
 * interpreted, no code can run); scalars keep their text and are typed later by {@link Values}.
 * Mappings are mutable so that {@code --set} overrides can be applied.
 */
final class Yaml {
    private Yaml() {
    }

    /** Deepest nesting accepted; sweep files need 3 levels (grid / axis / range). */
    private static final int MAX_DEPTH = 32;

    /**
     * Most nodes a document may expand to, aliases counted at every use. Sweep files have tens to
     * hundreds; a few levels of aliases to aliases ("billion laughs") would otherwise grow
     * exponentially while a 500-byte file is read.
     */
    static final int MAX_NODES = 100_000;

    sealed interface YNode permits YScalar, YSeq, YMap {
        Origin origin();

        /** "a list", "a mapping", or the quoted text of a scalar, for messages. */
        String describe();
    }

    /** A scalar; {@code plain} is false for quoted and block scalars, which are always strings. */
    record YScalar(String text, boolean plain, Origin origin) implements YNode {
        boolean isNull() {
            return plain && (text.isEmpty() || text.equals("~") || text.equals("null") || text.equals("Null")
                    || text.equals("NULL"));
        }

        @Override
        public String describe() {
            return plain ? "'" + text + "'" : "the quoted string \"" + text + "\"";
        }
    }

    record YSeq(List<YNode> items, Origin origin) implements YNode {
        @Override
        public String describe() {
            return "a list";
        }
    }

    /** One mapping entry; {@code keyOrigin} is the line of the key. */
    record Entry(String key, Origin keyOrigin, YNode value) {
    }

    record YMap(LinkedHashMap<String, Entry> entries, Origin origin) implements YNode {
        @Override
        public String describe() {
            return "a mapping";
        }

        Entry get(String key) {
            return entries.get(key);
        }
    }

    /**
     * Parses one YAML document into a tree; empty when the text holds no document (only comments).
     *
     * @param location file name, or the {@code --set k=v} override, for origins and messages
     * @param override true for an override value: its nodes get no line numbers
     * @throws ConfigException malformed YAML (with the parser's line), duplicate keys, non-scalar keys,
     *                         recursive anchors
     */
    static Optional<YNode> parse(String location, String text, boolean override) throws ConfigException {
        LoadSettings settings = LoadSettings.builder().setLabel(location).build();
        checkFlowNesting(location, text, override);
        Node root;
        try {
            Optional<Node> node = new Compose(settings).composeString(text);
            if (node.isEmpty()) {
                return Optional.empty();
            }
            root = node.get();
        } catch (MarkedYamlEngineException e) {
            int line = override ? 0 : e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
            throw new ConfigException(location, line, "", "malformed YAML: " + yamlProblem(e));
        } catch (YamlEngineException e) {
            throw new ConfigException(location, 0, "", "malformed YAML: " + e.getMessage());
        } catch (StackOverflowError e) {
            // Block nesting by indentation alone: the composer recurses once per level.
            throw new ConfigException(location, 0, "", "malformed YAML: nested too deeply (more than " + MAX_DEPTH
                    + " levels)");
        }
        return Optional.of(convert(root, location, override, "", 0, new IdentityHashMap<>(), new int[1]));
    }

    /**
     * Refuses flow collections ({@code [ [ [ ...} or {@code { {}) nested deeper than {@link #MAX_DEPTH}
     * before the YAML library recurses into them, with the line of the first bracket too deep.
     */
    private static void checkFlowNesting(String location, String text, boolean override) throws ConfigException {
        int depth = 0;
        int line = 1;
        char quote = 0;
        boolean lineStart = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                lineStart = true;
                if (quote == 0) {
                    continue;
                }
            }
            if (quote != 0) {
                if (quote == '"' && c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            boolean afterSpace = lineStart || Character.isWhitespace(text.charAt(i - 1));
            if (c == '#' && afterSpace) {
                while (i + 1 < text.length() && text.charAt(i + 1) != '\n') {
                    i++;
                }
            } else if ((c == '\'' || c == '"') && (afterSpace || depth > 0)) {
                quote = c;
            } else if (c == '[' || c == '{') {
                if (++depth > MAX_DEPTH) {
                    throw new ConfigException(location, override ? 0 : line, "",
                            "malformed YAML: nested too deeply (more than " + MAX_DEPTH + " levels of [ or {)");
                }
            } else if ((c == ']' || c == '}') && depth > 0) {
                depth--;
            }
            if (!Character.isWhitespace(c)) {
                lineStart = false;
            }
        }
    }

    private static String yamlProblem(MarkedYamlEngineException e) {
        StringBuilder sb = new StringBuilder();
        if (e.getContext() != null) {
            sb.append(e.getContext());
            e.getContextMark().ifPresent(m -> sb.append(" (line ").append(m.getLine() + 1).append(')'));
            sb.append(", ");
        }
        sb.append(e.getProblem());
        return sb.toString();
    }

    private static Origin origin(Node node, String location, boolean override) {
        if (override) {
            return new Origin(location, 0);
        }
        return new Origin(location, node.getStartMark().map(Mark::getLine).orElse(-1) + 1);
    }

    private static YNode convert(Node node, String location, boolean override, String path, int depth,
                                 IdentityHashMap<Node, Boolean> open, int[] count) throws ConfigException {
        Origin origin = origin(node, location, override);
        if (depth > MAX_DEPTH || open.containsKey(node)) {
            throw new ConfigException(origin, path, "nested too deeply (recursive anchor?)");
        }
        if (++count[0] > MAX_NODES) {
            // Named by its top-level key: the full path through expanded aliases is long and meaningless.
            throw new ConfigException(origin, path.split("[.\\[]", 2)[0], "the document expands to more than "
                    + MAX_NODES + " values (aliases of aliases?)");
        }
        if (node instanceof ScalarNode s) {
            return new YScalar(s.getValue(), s.getScalarStyle() == ScalarStyle.PLAIN, origin);
        }
        open.put(node, Boolean.TRUE);
        try {
            if (node instanceof SequenceNode seq) {
                List<YNode> items = new ArrayList<>();
                int i = 0;
                for (Node item : seq.getValue()) {
                    items.add(convert(item, location, override, path + "[" + i++ + "]", depth + 1, open, count));
                }
                return new YSeq(items, origin);
            }
            MappingNode map = (MappingNode) node;
            LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
            for (NodeTuple t : map.getValue()) {
                Origin keyOrigin = origin(t.getKeyNode(), location, override);
                if (!(t.getKeyNode() instanceof ScalarNode k) || k.getValue().isEmpty()) {
                    throw new ConfigException(keyOrigin, path, "keys must be plain words, got "
                            + (t.getKeyNode() instanceof ScalarNode ? "an empty key" : "a list or mapping as a key"));
                }
                String key = k.getValue();
                String childPath = path.isEmpty() ? key : path + "." + key;
                Entry previous = entries.get(key);
                if (previous != null) {
                    throw new ConfigException(keyOrigin, childPath, "duplicate key (first given at "
                            + previous.keyOrigin().where(keyOrigin) + ")");
                }
                entries.put(key, new Entry(key, keyOrigin,
                        convert(t.getValueNode(), location, override, childPath, depth + 1, open, count)));
            }
            return new YMap(entries, origin);
        } finally {
            open.remove(node);
        }
    }

    /** Copies a mapping deeply enough that overrides do not touch the parsed file tree. */
    static YMap copy(YMap map) {
        LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, Entry> e : map.entries().entrySet()) {
            Entry en = e.getValue();
            YNode v = en.value() instanceof YMap m ? copy(m) : en.value();
            entries.put(e.getKey(), new Entry(en.key(), en.keyOrigin(), v));
        }
        return new YMap(entries, map.origin());
    }
}

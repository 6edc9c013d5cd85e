package org.sweep.driver.plan;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.regex.Pattern;

import org.sweep.driver.plan.Yaml.Entry;
import org.sweep.driver.plan.Yaml.YMap;
import org.sweep.driver.plan.Yaml.YNode;
import org.sweep.driver.plan.Yaml.YScalar;

/**
 * The {@code --set key=value} overrides: each sets (or, with an empty value, removes) one dotted key
 * of the parsed sweep file before validation, creating the mappings on its path.
 */
final class Overrides {
    private static final Pattern KEY_PATH = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    private Overrides() {
    }

    /** Applies one {@code key=value} override to the tree (see {@link SweepPlanner}'s class comment). */
    static void apply(YMap root, String override) throws ConfigException {
        String loc = "--set " + override;
        Origin o = new Origin(loc, 0);
        int eq = override.indexOf('=');
        if (eq < 0) {
            throw new ConfigException(loc, 0, "", "expected key=value, e.g. --set train.steps=200");
        }
        String key = override.substring(0, eq).trim();
        if (!KEY_PATH.matcher(key).matches()) {
            throw new ConfigException(loc, 0, key, "not a key; expected a dotted path such as train.steps or grid.width");
        }
        Optional<YNode> value;
        try {
            value = Yaml.parse(loc, override.substring(eq + 1), true);
        } catch (ConfigException e) {
            throw new ConfigException(loc, 0, key, e.problem());
        }
        boolean remove = value.isEmpty() || value.get() instanceof YScalar s && s.isNull();
        String[] parts = key.split("\\.");
        YMap cur = root;
        for (int i = 0; i < parts.length - 1; i++) {
            Entry e = cur.get(parts[i]);
            String path = String.join(".", Arrays.copyOf(parts, i + 1));
            if (e == null || e.value() instanceof YScalar s && s.isNull()) {
                if (remove) {
                    throw new ConfigException(loc, 0, key, "nothing to remove: the sweep has no " + key);
                }
                YMap m = new YMap(new LinkedHashMap<>(), o);
                cur.entries().put(parts[i], new Entry(parts[i], e == null ? o : e.keyOrigin(), m));
                cur = m;
            } else if (e.value() instanceof YMap m) {
                cur = m;
            } else {
                throw new ConfigException(loc, 0, key, path + " is " + e.value().describe()
                        + ", not a mapping, so " + key + " cannot be set");
            }
        }
        String last = parts[parts.length - 1];
        if (remove) {
            if (cur.entries().remove(last) == null) {
                throw new ConfigException(loc, 0, key, "nothing to remove: the sweep has no " + key);
            }
            if (parts.length == 2 && parts[0].equals("grid") && cur.entries().isEmpty()) {
                root.entries().remove("grid"); // removing the last axis leaves a single task, not an empty grid
            }
        } else {
            cur.entries().put(last, new Entry(last, o, value.get()));
        }
    }
}

package org.sweep.driver.plan;

import java.util.Collection;

/** Did-you-mean suggestions by edit distance, for unknown keys and values. */
final class Names {
    private Names() {
    }

    /**
     * A hint for a flow-mapping entry written without a space after the colon: YAML reads
     * {@code {from:8}} as the one key "from:8", so say how to write it; null when the key is not
     * KNOWN:VALUE for one of the candidates.
     */
    static String missingSpace(String key, Collection<String> candidates) {
        int colon = key.indexOf(':');
        if (colon <= 0 || !candidates.contains(key.substring(0, colon))) {
            return null;
        }
        return " (write '" + key.substring(0, colon) + ": " + key.substring(colon + 1)
                + "' with a space after ':'; without it YAML reads '" + key + "' as one word)";
    }

    /** The closest candidate within a small edit distance, or null. */
    static String closest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int dist = distance(word.toLowerCase(java.util.Locale.ROOT), c);
            if (dist < bestDistance) {
                best = c;
                bestDistance = dist;
            }
        }
        // A suggestion is useful only when most of the word survives: at most 2 edits and
        // fewer edits than half the candidate's length (so "x" does not suggest "n").
        if (best != null && bestDistance <= 2 && 2 * bestDistance < best.length()) {
            return best;
        }
        // Otherwise a shortened or differently ended word: the one candidate sharing a prefix of
        // at least MIN_PREFIX characters ("stable" -> "stability", "spec" -> "spectrum_checkpoints").
        String byPrefix = null;
        int longest = MIN_PREFIX - 1;
        boolean tie = false;
        for (String c : candidates) {
            int p = commonPrefix(word.toLowerCase(java.util.Locale.ROOT), c);
            if (p > longest) {
                byPrefix = c;
                longest = p;
                tie = false;
            } else if (p == longest && byPrefix != null) {
                tie = true;
            }
        }
        return tie ? null : byPrefix;
    }

    /** Shortest shared beginning that makes a candidate a suggestion. */
    private static final int MIN_PREFIX = 4;

    private static int commonPrefix(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    /** "unknown loss 'sqare' (did you mean 'square'?); expected one of square, logistic". */
    static String unknownValue(String what, String value, Collection<String> allowed) {
        String guess = closest(value, allowed);
        return "unknown " + what + " '" + value + "'" + (guess == null ? "" : " (did you mean '" + guess + "'?)")
                + "; expected one of " + String.join(", ", allowed);
    }

    /** Damerau-Levenshtein distance (optimal string alignment: insert, delete, substitute, swap neighbours). */
    static int distance(String a, String b) {
        int[][] dp = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            dp[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            dp[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1), dp[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, dp[i - 2][j - 2] + 1);
                }
                dp[i][j] = v;
            }
        }
        return dp[a.length()][b.length()];
    }
}

package io.multiverse9.config;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the known setting an unknown field name was probably meant to be (SPEC 4: a typo of a known field must
 * stop the node, never fall back to a default). A near miss is the same name written with other case, {@code -} or
 * {@code _} ({@code trustLoopback}), or one within a few typing mistakes of it: at most two insertions, deletions,
 * substitutions or swaps of neighbours ({@code trust_lopback}, {@code open_interaction}, {@code max_pipline}), one
 * for names of five characters or fewer, none for names of two, so that short unrelated words are not caught.
 */
public final class NearMiss {

  private NearMiss() {
  }

  /** The known name {@code unknown} is closest to, when it is a near miss of one. */
  public static Optional<String> of(String unknown, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known.stream().sorted().toList()) {
      int distance = normalized(unknown).equals(normalized(candidate)) ? 0 : distance(unknown, candidate);
      if (distance <= allowedMistakes(candidate) && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  private static int allowedMistakes(String name) {
    return name.length() <= 2 ? 0 : name.length() <= 5 ? 1 : 2;
  }

  private static String normalized(String name) {
    return name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
  }

  /** Optimal string alignment distance: Levenshtein's edits plus the swap of two neighbouring characters. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}

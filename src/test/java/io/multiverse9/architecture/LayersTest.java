package io.multiverse9.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No import runs from a lower package to a higher one. {@link #LAYERS} is the one place the order is written down
 * (docs/DESIGN.md draws it): a package may use any package of a lower layer, and none of its own layer or above, so
 * there can be no cycle. A subpackage belongs to its package ({@code client.impl} is the client's), and a package's
 * {@code impl} part is its own: no other package reaches into it.
 *
 * <p>The source is read as text, so no tool is needed: every {@code io.multiverse9.x.Name} in a file counts, whether
 * in an import, a fully qualified name in code, or a Javadoc link (documentation that points up a layer depends on
 * it all the same). Every package in the source must have a place in {@link #LAYERS}, so a new package is placed
 * on purpose rather than by default.
 */
class LayersTest {

  static final Path SOURCES = Path.of("src/main/java/io/multiverse9");

  /** Bottom first. Packages of one layer do not use each other. */
  static final List<List<String>> LAYERS = List.of(
    List.of("protocol", "bus", "net"),
    List.of("config", "wire"),
    List.of("client"),
    List.of("storage"),
    List.of("metrics"),
    List.of("peer"),
    List.of("service"),
    List.of("server"),
    List.of("app"),
    List.of("bench", "cluster"),
    List.of("cli"));

  /** Uses that break the order today; each one is removed with the work that ends it. */
  static final Set<String> KNOWN_EXCEPTIONS = Set.of();

  static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+io\\.multiverse9\\.([a-z][a-z0-9_.]*)\\s*;");
  /** A reference to a class (or a wildcard) of one of our packages: the package is the lower-case part. */
  static final Pattern REFERENCE = Pattern.compile(
    "\\bio\\.multiverse9\\.([a-z][a-z0-9_]*(?:\\.[a-z][a-z0-9_]*)*)\\.[A-Z*]");

  @Test
  void noPackageUsesOneAboveItOrBesideIt() throws IOException {
    Map<String, Integer> layerOf = layerOf();
    List<String> violations = new ArrayList<>();
    Set<String> exceptionsSeen = new TreeSet<>();
    for (SourceFile file : sources()) {
      for (String used : file.references()) {
        String usedTop = top(used);
        if (usedTop.equals(file.top())) {
          continue;
        }
        Integer from = layerOf.get(file.top());
        Integer to = layerOf.get(usedTop);
        if (from == null || to == null) {
          continue; // reported by everyPackageHasItsPlace
        }
        if (to >= from) {
          String edge = file.top() + " -> " + usedTop;
          if (KNOWN_EXCEPTIONS.contains(edge)) {
            exceptionsSeen.add(edge);
          } else {
            violations.add(file.path() + ": " + file.top() + " (layer " + from + ") uses " + used + " (layer " + to
              + (to.equals(from) ? ", the same layer)" : ", above it)"));
          }
        }
      }
    }
    assertEquals(List.of(), violations, "uses against LayersTest.LAYERS (bottom first: " + LAYERS + ")");
    Set<String> gone = new TreeSet<>(KNOWN_EXCEPTIONS);
    gone.removeAll(exceptionsSeen);
    assertEquals(Set.of(), gone, "these known exceptions no longer happen: remove them from LayersTest.KNOWN_EXCEPTIONS");
  }

  @Test
  void noPackageReachesIntoAnotherPackagesImpl() throws IOException {
    List<String> violations = new ArrayList<>();
    for (SourceFile file : sources()) {
      for (String used : file.references()) {
        if (!top(used).equals(file.top()) && (used.endsWith(".impl") || used.contains(".impl."))) {
          violations.add(file.path() + ": " + file.pkg() + " uses " + used + ", which is private to " + top(used));
        }
      }
    }
    assertEquals(List.of(), violations);
  }

  @Test
  void everyPackageHasItsPlace() throws IOException {
    Set<String> found = new TreeSet<>();
    for (SourceFile file : sources()) {
      found.add(file.top());
    }
    Set<String> placed = new TreeSet<>(layerOf().keySet());
    Set<String> unplaced = new TreeSet<>(found);
    unplaced.removeAll(placed);
    assertEquals(Set.of(), unplaced, "packages with no place in LayersTest.LAYERS: give each one a layer");
    Set<String> stale = new TreeSet<>(placed);
    stale.removeAll(found);
    assertEquals(Set.of(), stale, "LayersTest.LAYERS names packages that no longer exist");
  }

  private static Map<String, Integer> layerOf() {
    Map<String, Integer> layerOf = new HashMap<>();
    for (int i = 0; i < LAYERS.size(); i++) {
      for (String pkg : LAYERS.get(i)) {
        assertTrue(layerOf.put(pkg, i) == null, pkg + " is in two layers");
      }
    }
    return layerOf;
  }

  private static String top(String pkg) {
    int dot = pkg.indexOf('.');
    return dot < 0 ? pkg : pkg.substring(0, dot);
  }

  private record SourceFile(Path path, String pkg, Set<String> references) {

    String top() {
      return LayersTest.top(pkg);
    }
  }

  private static List<SourceFile> sources() throws IOException {
    assertTrue(Files.isDirectory(SOURCES), SOURCES.toAbsolutePath() + " not found: run from the project's root");
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      paths = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
    assertTrue(paths.size() > 50, "found only " + paths.size() + " source files under " + SOURCES);
    List<SourceFile> files = new ArrayList<>();
    for (Path path : paths) {
      String text = Files.readString(path, StandardCharsets.UTF_8);
      Matcher declared = PACKAGE.matcher(text);
      assertTrue(declared.find(), path + " declares no package under io.multiverse9");
      String pkg = declared.group(1);
      assertEquals(SOURCES.relativize(path.getParent()).toString().replace(File.separatorChar, '.'), pkg,
        path + " is not in the folder of its package");
      Set<String> references = new TreeSet<>();
      Matcher reference = REFERENCE.matcher(text);
      while (reference.find()) {
        if (!reference.group(1).equals(pkg)) {
          references.add(reference.group(1));
        }
      }
      files.add(new SourceFile(path, pkg, references));
    }
    return files;
  }
}

package io.multiverse9.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.multiverse9.support.Untimed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation a user's clone carries must stand on its own: README.md, docs/ and deploy/ point at nothing
 * outside the repository (the specification the project was built from is not shipped with it; docs/PROTOCOL.md
 * is the contract), every relative link in their Markdown leads to a file that exists, and to a heading that
 * exists when it names one, and every test class (or method) they name exists.
 */
@Untimed
class DocsStandAloneTest {

  static final Path ROOT = Path.of("").toAbsolutePath().normalize();

  /** {@code [text](target)} or {@code [text](target "title")}; the text may run over lines. */
  static final Pattern LINK = Pattern.compile("\\[([^\\]]*)\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  /** {@code [label]: target} */
  static final Pattern REFERENCE = Pattern.compile("(?m)^ {0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s+.*)?$");
  static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
  /** A citation of a section of the external specification, such as "SPEC 1.6" or "SPEC 3's". */
  static final Pattern SPEC_CITATION = Pattern.compile("\\bSPEC(\\.md|\\s+\\d)");

  static List<Path> documentation() throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(ROOT.resolve("README.md"));
    for (String dir : List.of("docs", "deploy")) {
      try (Stream<Path> walk = Files.walk(ROOT.resolve(dir))) {
        walk.filter(Files::isRegularFile).sorted().forEach(files::add);
      }
    }
    return files;
  }

  static List<Path> markdown() throws IOException {
    return documentation().stream().filter(p -> p.toString().endsWith(".md")).toList();
  }

  static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  static String where(Path file) {
    return ROOT.relativize(file).toString();
  }

  @Test
  void nothingPointsAtTheSharedSpecificationOutsideTheRepository() throws IOException {
    List<String> problems = new ArrayList<>();
    for (Path file : documentation()) {
      String[] lines = read(file).split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        if (lines[i].contains("../shared") || SPEC_CITATION.matcher(lines[i]).find()) {
          problems.add(where(file) + ":" + (i + 1) + ": " + lines[i].strip());
        }
      }
    }
    assertTrue(problems.isEmpty(), "the docs cite what a clone does not have; link docs/PROTOCOL.md (or SETTINGS.md, "
      + "OPERATIONS.md) instead:\n" + String.join("\n", problems));
  }

  @Test
  void everyRelativeLinkLeadsToAFileAndHeadingInTheRepository() throws IOException {
    List<String> problems = new ArrayList<>();
    Map<Path, Set<String>> anchorsByFile = new HashMap<>();
    int checked = 0;
    for (Path file : markdown()) {
      String prose = prose(read(file));
      List<String> targets = new ArrayList<>();
      Matcher link = LINK.matcher(prose);
      while (link.find()) {
        targets.add(link.group(2));
      }
      Matcher reference = REFERENCE.matcher(prose);
      while (reference.find()) {
        targets.add(reference.group(1));
      }
      for (String target : targets) {
        if (SCHEME.matcher(target).find()) {
          continue; // http:, https:, mailto: ...: not a file of the repository
        }
        checked++;
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String fragment = hash < 0 ? null : target.substring(hash + 1);
        if (path.startsWith("/")) {
          problems.add(where(file) + ": " + target + " is an absolute path, not a file of the repository");
          continue;
        }
        Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
        if (!resolved.startsWith(ROOT)) {
          problems.add(where(file) + ": " + target + " leads outside the repository");
        } else if (!Files.exists(resolved)) {
          problems.add(where(file) + ": " + target + " does not exist");
        } else if (fragment != null && resolved.toString().endsWith(".md")) {
          Set<String> anchors = anchorsByFile.computeIfAbsent(resolved, DocsStandAloneTest::anchors);
          if (!anchors.contains(fragment)) {
            problems.add(where(file) + ": " + target + ": " + where(resolved) + " has no heading #" + fragment);
          }
        }
      }
    }
    assertTrue(checked > 20, "too few links found (" + checked + "): is the link pattern still right?");
    assertTrue(problems.isEmpty(), "broken links:\n" + String.join("\n", problems));
  }

  /** A test class named in prose, optionally with a method: {@code NodeProtocolTest}, {@code MetricsTest.health}. */
  static final Pattern TEST_NAME = Pattern.compile("\\b([A-Z][A-Za-z0-9]*Test)\\b(?:[.#]([a-z][A-Za-z0-9]*))?");

  @Test
  void everyTestTheDocumentationNamesExists() throws IOException {
    Map<String, Path> classes = new HashMap<>();
    try (Stream<Path> walk = Files.walk(ROOT.resolve("src/test/java"))) {
      walk.filter(p -> p.getFileName().toString().endsWith("Test.java"))
        .forEach(p -> classes.put(p.getFileName().toString().replace(".java", ""), p));
    }
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Path file : markdown()) {
      Matcher m = TEST_NAME.matcher(read(file));
      while (m.find()) {
        checked++;
        Path source = classes.get(m.group(1));
        if (source == null) {
          problems.add(where(file) + ": " + m.group(1) + " is no test class under src/test/java");
        } else if (m.group(2) != null && !read(source).matches("(?s).*\\b" + m.group(2) + "\\s*\\(.*")) {
          problems.add(where(file) + ": " + m.group(1) + " has no method " + m.group(2));
        }
      }
    }
    assertTrue(checked > 10, "too few test names found (" + checked + "): is the pattern still right?");
    assertTrue(problems.isEmpty(), "the documentation names tests that do not exist (docs/TESTING.md describes the "
      + "suite by area, so that it needs no list):\n" + String.join("\n", problems));
  }

  @Test
  void theReadmeLeadsToTheProtocol() throws IOException {
    assertTrue(prose(read(ROOT.resolve("README.md"))).contains("(docs/PROTOCOL.md)"),
      "README.md links docs/PROTOCOL.md, the contract");
  }

  /** The Markdown outside fenced code blocks, with inline code spans blanked: links there are not links. */
  static String prose(String markdown) {
    StringBuilder out = new StringBuilder();
    boolean fenced = false;
    for (String line : markdown.split("\n", -1)) {
      String trimmed = line.stripLeading();
      if (trimmed.startsWith("```") || trimmed.startsWith("~~~")) {
        fenced = !fenced;
        out.append('\n');
        continue;
      }
      out.append(fenced ? "" : line.replaceAll("`[^`]*`", "``")).append('\n');
    }
    return out.toString();
  }

  /** The anchors GitHub gives the headings of a Markdown file (duplicates numbered -1, -2, ...). */
  static Set<String> anchors(Path file) {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean fenced = false;
    try {
      for (String line : read(file).split("\n", -1)) {
        String trimmed = line.stripLeading();
        if (trimmed.startsWith("```") || trimmed.startsWith("~~~")) {
          fenced = !fenced;
        } else if (!fenced && line.matches("#{1,6} .*")) {
          String slug = slug(line.replaceFirst("^#+ ", ""));
          int n = seen.merge(slug, 1, Integer::sum) - 1;
          anchors.add(n == 0 ? slug : slug + "-" + n);
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return anchors;
  }

  /** GitHub's rule: the heading's text, lower case, without punctuation, spaces turned into hyphens. */
  static String slug(String heading) {
    String text = heading.strip().replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1"); // a link counts by its text
    return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }
}

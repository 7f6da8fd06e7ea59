package io.multiverse9.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * What a command of the CLI printed and its exit code, run in the test's JVM or in a JVM of its own. The test's
 * JVM saves a JVM start per command (half a second to seconds on two busy cores); a JVM of its own is the
 * launcher's path itself: real pipes, bytes written raw to the JVM's standard output, the exit code from
 * {@code System.exit}, the heap the launcher gives it.
 */
record CommandRun(int exit, String out, String err) {

  // out is decoded as the caller says: ISO-8859-1 to compare a value's bytes one for one, UTF-8 to read text

  /**
   * Runs {@code args} as {@link Main#main} does but for its exit, with standard input, output and error swapped for
   * the call. Only the command's thread and the Vert.x it makes write to standard output; log lines of a node in
   * the test's JVM may land in the captured standard error.
   */
  static CommandRun inThisJvm(byte[] stdin, List<String> args, Charset outCharset) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    InputStream stdinBefore = System.in;
    PrintStream outBefore = System.out;
    PrintStream errBefore = System.err;
    int exit;
    System.setIn(new ByteArrayInputStream(stdin));
    System.setOut(new PrintStream(out, true));
    System.setErr(new PrintStream(err, true));
    try {
      exit = Main.run(args.toArray(String[]::new));
    } finally {
      System.setIn(stdinBefore);
      System.setOut(outBefore);
      System.setErr(errBefore);
      Logging.configure(false); // the command pointed the log at the swapped standard error: back to the real one
    }
    return new CommandRun(exit, out.toString(outCharset), withoutSlf4j(err.toString(StandardCharsets.UTF_8)));
  }

  /** Runs {@code args} in a JVM of its own started with {@code jvmOptions}, its output in files of {@code dir}. */
  static CommandRun inItsOwnJvm(Path dir, byte[] stdin, List<String> jvmOptions, List<String> args,
                                Charset outCharset) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
      .toString()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    p.getOutputStream().write(stdin);
    p.getOutputStream().close();
    boolean finished = p.waitFor(120, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    assertTrue(finished, "the command did not finish: " + args);
    return new CommandRun(p.exitValue(), Files.readString(out, outCharset),
      withoutSlf4j(Files.readString(err)));
  }

  /**
   * The test's classpath has SLF4J without a provider, which says so on standard error the first time a JVM uses
   * it (a JVM's start, or the first command in the test's JVM); the launcher's jar does not.
   */
  private static String withoutSlf4j(String err) {
    return err.lines().filter(line -> !line.startsWith("SLF4J:"))
      .collect(Collectors.joining("\n", "", err.endsWith("\n") ? "\n" : ""));
  }
}

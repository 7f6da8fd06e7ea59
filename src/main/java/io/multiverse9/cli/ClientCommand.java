package io.multiverse9.cli;

import io.multiverse9.client.ClientOptions;
import io.multiverse9.client.Mv9Client;
import io.multiverse9.client.Mv9Exception;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Option;

/**
 * What the client commands share: where the node is, a token, one connection for the command, and exit codes
 * (0 done, 1 the node answered an error or was not reached, 2 bad usage).
 */
abstract class ClientCommand implements Callable<Integer> {

  static final int FAILED = 1;
  static final int USAGE = 2;

  @Option(names = "--help", usageHelp = true, description = "Show this help and exit")
  boolean help;

  @Option(names = {"-h", "--host"}, defaultValue = ClientOptions.DEFAULT_HOST,
    description = "Node host (default: ${DEFAULT-VALUE})")
  String host;

  @Option(names = {"-p", "--port"}, defaultValue = "7001", description = "Node port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--token", description = "Send AUTH with this token first")
  String token;

  @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS",
    description = "Give up when the node has not answered after this long (default: ${DEFAULT-VALUE})")
  int timeoutS;

  @Option(names = "--max-answer-bytes", paramLabel = "BYTES",
    description = {"Refuse a larger answer from its header, unread (default: 67108864, the node's default "
      + "limits.max_answer_bytes). At most a twelfth of the client's heap: for more, give it more with "
      + "JAVA_OPTS=-Xmx..."})
  Long maxAnswerBytes;

  /** Reading an answer, and printing it as JSON, takes a few times its size: a twelfth of the heap leaves room. */
  private static final int HEAP_SHARE = 12;

  final PrintStream out = System.out;
  final PrintStream err = System.err;

  /** The command's work on a connected client; the future's value is the exit code. */
  abstract Future<Integer> run(Mv9Client client);

  /** What can be checked before connecting (a file to read, say): {@code null} to go on, else the exit code. */
  Integer prepare() {
    return null;
  }

  @Override
  public Integer call() {
    Logging.configure(false);
    long heapBound = Runtime.getRuntime().maxMemory() / HEAP_SHARE;
    if (maxAnswerBytes != null && (maxAnswerBytes < 1 || maxAnswerBytes > heapBound)) {
      err.println("multiverse9: --max-answer-bytes must be between 1 and " + heapBound + ", a twelfth of this "
        + "client's heap of " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB; give it more with "
        + "JAVA_OPTS=-Xmx...");
      return USAGE;
    }
    ClientOptions options;
    try {
      // the command bounds itself, to name its own option when the node is too slow (the library's timeout is
      // off: it would name the library's)
      options = new ClientOptions().withAddress(host, port).withToken(token)
        .withRequestTimeoutMs(0)
        .withMaxAnswerBytes(maxAnswerBytes != null ? maxAnswerBytes
          : Math.min(ClientOptions.DEFAULT_MAX_ANSWER_BYTES, heapBound));
    } catch (IllegalArgumentException e) {
      err.println("multiverse9: " + e.getMessage() + " (-h HOST -p PORT)");
      return USAGE;
    }
    Integer early = prepare();
    if (early != null) {
      return early;
    }
    Vertx vertx = Vertx.vertx();
    try {
      return Mv9Client.connect(vertx, options)
        .compose(client -> run(client).timeout(timeoutS, TimeUnit.SECONDS).eventually(client::close))
        .await(timeoutS + 5L, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      err.println("multiverse9: " + host + ":" + port + " did not answer within " + timeoutS + " s (--timeout "
        + "SECONDS waits longer)");
      return FAILED;
    } catch (Mv9Exception e) {
      err.println("multiverse9: " + TerminalText.escape(e.getMessage()) + hint(e.getMessage()));
      return FAILED;
    } catch (Exception e) {
      err.println("multiverse9: " + TerminalText.escape(e.getMessage() == null ? e.toString() : e.getMessage()));
      return FAILED;
    } finally {
      vertx.close();
    }
  }

  // the refusal is the connection's, worded for any of its users: say which option of this command moves it
  private static String hint(String message) {
    return message.contains("announced an answer of") ? " (--max-answer-bytes BYTES takes larger answers)" : "";
  }
}

package io.multiverse9.cli;

import io.multiverse9.client.ClientOptions;
import io.multiverse9.client.Mv9Client;
import io.multiverse9.client.Mv9Exception;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
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
    description = "Give up after this long (default: ${DEFAULT-VALUE})")
  int timeoutS;

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
    Integer early = prepare();
    if (early != null) {
      return early;
    }
    Vertx vertx = Vertx.vertx();
    try {
      ClientOptions options = new ClientOptions().withAddress(host, port).withToken(token)
        .withRequestTimeoutMs(TimeUnit.SECONDS.toMillis(timeoutS));
      return Mv9Client.connect(vertx, options)
        .compose(client -> run(client).eventually(client::close))
        .await(timeoutS + 5L, TimeUnit.SECONDS);
    } catch (Mv9Exception e) {
      err.println("multiverse9: " + e.getMessage());
      return FAILED;
    } catch (Exception e) {
      err.println("multiverse9: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return FAILED;
    } finally {
      vertx.close();
    }
  }
}

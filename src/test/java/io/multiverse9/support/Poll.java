package io.multiverse9.support;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting in a test for something another process or thread makes happen: asks again every {@link #EVERY} until
 * it holds, and fails with what it waited for and the last thing it saw once the time is up. The one way tests
 * wait for a condition, in place of sleeping for a guessed time.
 */
public final class Poll {

  /** Between two asks: often enough not to slow a test, rarely enough not to load the machine. */
  static final Duration EVERY = Duration.ofMillis(20);

  /** A condition to ask again; it may throw (a closed socket, say), which ends the wait and fails the test. */
  @FunctionalInterface
  public interface Check {
    boolean done() throws Exception;
  }

  private Poll() {
  }

  /**
   * Asks {@code check} until it says done, failing after {@code timeout} with "waiting until {@code what}". Where the
   * failure should show what was seen (a count, the node's output), take a form that shows it.
   */
  public static void until(String what, Duration timeout, Check check) throws Exception {
    loop(what, timeout, check::done, done -> done, last -> "");
  }

  /** As {@link #until(String, Duration, Check)}, the failure showing {@code seen} as it is then (a node's output). */
  public static void until(String what, Duration timeout, Check check, Supplier<?> seen) throws Exception {
    loop(what, timeout, check::done, done -> done, last -> ": " + seen.get());
  }

  /**
   * Takes {@code value} until {@code done} accepts it and returns that value; after {@code timeout} fails with
   * "waiting until {@code what}" and the last value taken. For a loop that acts each round (sends a request, reads a
   * gauge) and checks what came back.
   */
  public static <T> T until(String what, Duration timeout, Callable<T> value, Predicate<? super T> done)
      throws Exception {
    return loop(what, timeout, value, done, last -> ": " + last);
  }

  /**
   * As {@link #until(String, Duration, Callable, Predicate)}, the failure showing {@code shown} of the last value
   * (its text, say, or the node's output then) instead of the value itself.
   */
  public static <T> T until(String what, Duration timeout, Callable<T> value, Predicate<? super T> done,
      Function<? super T, ?> shown) throws Exception {
    return loop(what, timeout, value, done, last -> ": " + shown.apply(last));
  }

  private static <T> T loop(String what, Duration timeout, Callable<T> value, Predicate<? super T> done,
      Function<? super T, String> shown) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T last = value.call();
      if (done.test(last)) {
        return last;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting until " + what
          + shown.apply(last));
      }
      Thread.sleep(EVERY.toMillis()); // asking again, bounded by the deadline
    }
  }
}

package io.multiverse9.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bound on commands out at once where they go one by one (a Redis Cluster connection). */
class InFlightBoundTest {

  @Test
  void commandsPastTheLimitStartInArrivalOrderAsAnswersMakeRoom() {
    InFlightBound bound = new InFlightBound(2);
    List<Promise<String>> started = new ArrayList<>();
    List<Future<String>> answers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      answers.add(bound.submit(() -> {
        Promise<String> p = Promise.promise();
        started.add(p);
        return p.future();
      }));
    }
    assertEquals(2, started.size(), "two out, three waiting");
    started.get(1).complete("b");
    assertEquals(3, started.size(), "an answer makes room for the next");
    assertEquals("b", answers.get(1).result());
    started.get(0).fail("refused");
    assertEquals(4, started.size(), "a failure makes room too");
    assertTrue(answers.get(0).failed());
    started.get(2).complete("c");
    started.get(3).complete("d");
    assertEquals(5, started.size());
    started.get(4).complete("e");
    assertEquals(List.of("c", "d", "e"), List.of(answers.get(2).result(), answers.get(3).result(),
      answers.get(4).result()), "each waiting command got its own answer");
  }

  @Test
  void commandsThatCompleteAsTheyStartDoNotDeepenTheStack() {
    InFlightBound bound = new InFlightBound(1);
    Promise<String> first = Promise.promise();
    Future<String> blocked = bound.submit(() -> first.future());
    List<Future<Integer>> rest = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      int n = i;
      rest.add(bound.submit(() -> Future.succeededFuture(n)));
    }
    first.complete("first"); // 200,000 waiting commands then start and complete one after another
    assertEquals("first", blocked.result());
    for (int i = 0; i < rest.size(); i++) {
      assertEquals(i, rest.get(i).result());
    }
  }

  @Test
  void aCommandThatThrowsAsItStartsFailsAndGivesItsPlaceBack() {
    InFlightBound bound = new InFlightBound(1);
    Future<String> thrown = bound.submit(() -> {
      throw new IllegalStateException("no connection");
    });
    assertTrue(thrown.failed());
    assertEquals("no connection", thrown.cause().getMessage());
    assertEquals("next", bound.submit(() -> Future.succeededFuture("next")).result(), "the place was given back");
  }
}

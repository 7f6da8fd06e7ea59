package io.multiverse9.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class that asserts nothing about time: no latency, rate or deadline, only waits bounded generously (a
 * start line within a minute, a poll within 30 s), so that a busier machine can slow it but not fail it. Surefire
 * runs every other class alone first, then these in two JVMs side by side (pom.xml): two cores then overlap the
 * starts of the JVMs, clusters and Redis processes these classes mostly wait on. A class that checks how soon
 * something happens must not carry it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag(Untimed.TAG)
public @interface Untimed {

  /** The JUnit tag that pom.xml selects the classes by. */
  String TAG = "untimed";
}

package io.multiverse9.service;

/** Lets the JMH benchmarks, in another package, time the package-private {@link KeyGroup}. */
public final class KeyGroupAccess {

  private final KeyGroup group;

  /** A group of keys in {@code bytes} (each 26 bytes, from where it is added), sized for {@code capacity}. */
  public KeyGroupAccess(byte[] bytes, int capacity) {
    group = new KeyGroup(bytes, capacity);
  }

  public void add(int at, int slot) {
    group.add(at, slot);
  }

  public int distinctKeys() {
    return group.keys().size();
  }

  public int key(int j) {
    return group.key(j);
  }
}

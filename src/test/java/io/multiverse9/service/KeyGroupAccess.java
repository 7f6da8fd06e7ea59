package io.multiverse9.service;

/** Lets the JMH benchmarks, in another package, time the package-private {@link KeyGroup}. */
public final class KeyGroupAccess {

  private final KeyGroup group;

  public KeyGroupAccess(int capacity) {
    group = new KeyGroup(capacity);
  }

  public void add(String key, int slot) {
    group.add(key, slot);
  }

  public int distinctKeys() {
    return group.keys.size();
  }

  public int key(int j) {
    return group.key(j);
  }
}

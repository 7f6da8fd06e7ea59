package io.multiverse9.protocol;

/** How a request arrived, and so how its answer is written (SPEC 1.1 and 1.5). */
public enum Form {
  /** A binary frame: {@code opcode u16 | length u32 | payload}. */
  BINARY,
  /** A text line ending in {@code \n}, answered with one line of JSON. */
  TEXT
}

package io.multiverse9.protocol;

/** How a request arrived, and so how its answer is written (SPEC 1.1, 1.5 and 1.7). */
public enum Form {
  /** A binary frame: {@code opcode u16 | length u32 | payload}. */
  BINARY,
  /** A text line ending in {@code \n}, answered with one line of JSON. */
  TEXT,
  /** A RESP2 array of bulk strings, as Redis clients send, answered in RESP2. */
  RESP
}

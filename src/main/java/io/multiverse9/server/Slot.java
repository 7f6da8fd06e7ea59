package io.multiverse9.server;

import io.multiverse9.protocol.Form;
import io.multiverse9.protocol.Opcode;
import io.multiverse9.protocol.Reply;
import io.multiverse9.protocol.Request;
import io.multiverse9.protocol.ResponseEncoder;
import io.multiverse9.service.Allowance;

/** A request of one connection, from when it is read until its answer is written; its reply is set once known. */
final class Slot {

  /** What a request costs besides its payload (slot, request, futures, entry in the queues), roughly. */
  static final int PER_REQUEST = 512;

  final Form form;
  /** {@code null} for a request refused before it was whole (a protocol error): only its answer is left. */
  final Request request;
  Reply reply;
  /** What the reply is counted as until it is encoded: its length as a binary frame. */
  long replyBytes;
  /** The reply goes out as a binary frame of exactly {@link #replyBytes}, written by {@code encodeBinary}. */
  boolean exact;
  /** What the objects made from an AGGREGATE's targets hold while it runs, counted beside its payload. */
  long parsed;
  /** What an AGGREGATE may read while it runs, reserved for it; {@code null} until it starts. */
  Allowance allowance;

  Slot(Form form, Request request) {
    this.form = form;
    this.request = request;
  }

  void answer(Reply reply) {
    this.reply = reply;
    long exactBytes = ResponseEncoder.exactBinaryLength(reply);
    this.exact = exactBytes >= 0 && form == Form.BINARY;
    this.replyBytes = exactBytes >= 0 ? exactBytes : ResponseEncoder.binaryLength(reply);
  }

  /** The payload, and the objects that carry a request through the node, which are not free either. */
  int requestBytes() {
    return PER_REQUEST + (request == null ? 0 : request.payload().length());
  }

  boolean isRemove() {
    return request != null && request.opcode() == Opcode.REMOVE;
  }

  boolean isAuth() {
    return request != null && request.opcode() == Opcode.AUTH;
  }

  boolean isAggregate() {
    return request != null && request.opcode() == Opcode.AGGREGATE;
  }
}

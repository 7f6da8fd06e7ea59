package io.multiverse9.service;

import io.multiverse9.config.Settings;
import io.multiverse9.protocol.Form;
import io.multiverse9.protocol.Opcode;
import io.multiverse9.protocol.ProtocolException;
import io.multiverse9.protocol.Status;

/**
 * What a connection may send, decided from a frame's header before its payload is read (SPEC 1.6, 3): a frame it
 * may not send is refused at once and its payload skipped, so that it costs no memory.
 */
public final class Admission {

  private Admission() {
  }

  /** The refusal of a frame of {@code code} announcing {@code length} bytes, or {@code null}: it may be read. */
  public static ProtocolException admit(Settings now, Session session, int code, long length) {
    Opcode opcode = Opcode.valueOf(code);
    if (opcode == null) {
      return refusal(Status.UNKNOWN_OPCODE, RequestHandler.unknown(Form.BINARY, String.format("0x%04X", code)));
    }
    String denied = Access.deny(now, session, opcode);
    if (denied != null) {
      return refusal(Status.FORBIDDEN, denied);
    }
    if (opcode == Opcode.PING && length > RequestHandler.MAX_PING_BYTES) {
      return refusal(Status.BAD_REQUEST, RequestHandler.PING_TOO_LONG);
    }
    int strangerMax = now.limits().maxStrangerFrameBytes();
    if (length > strangerMax && !Access.acknowledged(now, session)) {
      return refusal(Status.TOO_LARGE, "the frame announces " + length + " bytes; a connection that is not "
        + "acknowledged may send at most " + strangerMax + " (limits.max_stranger_frame_bytes): send AUTH with the "
        + "node's token first");
    }
    return null;
  }

  /** The longest text line the connection may send: a stranger's no longer than its largest frame. */
  public static int maxLineBytes(Settings now, Session session, int maxFrameBytes) {
    return Access.acknowledged(now, session) ? maxFrameBytes
      : Math.min(maxFrameBytes, now.limits().maxStrangerFrameBytes());
  }

  private static ProtocolException refusal(Status status, String message) {
    return new ProtocolException(status, Form.BINARY, false, message);
  }
}

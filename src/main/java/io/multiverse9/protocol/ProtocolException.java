package io.multiverse9.protocol;

/**
 * A violation of the wire protocol found while decoding. It carries the status to answer with and whether the
 * connection must be closed afterwards (SPEC 1.1: unknown first byte and oversized frames close it).
 */
public final class ProtocolException extends RuntimeException {

  private final Status status;
  private final Form form;
  private final boolean fatal;

  public ProtocolException(Status status, Form form, boolean fatal, String message) {
    super(message, null, false, false);
    this.status = status;
    this.form = form;
    this.fatal = fatal;
  }

  public Status status() {
    return status;
  }

  /** The form to answer in; a first byte that starts neither form is answered as a binary frame. */
  public Form form() {
    return form;
  }

  public boolean fatal() {
    return fatal;
  }
}

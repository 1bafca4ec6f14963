package dev.sbx.egress.api;

/** A host, authority or port that sbx refuses to interpret; the message says what is wrong. */
public final class InvalidHostException extends Exception {
  public InvalidHostException(String message) {
    super(message);
  }
}

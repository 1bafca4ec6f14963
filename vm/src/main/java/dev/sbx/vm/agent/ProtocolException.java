package dev.sbx.vm.agent;

import java.io.IOException;

/** The peer broke the protocol (bad frame, wrong version); the connection is dropped. */
public final class ProtocolException extends IOException {
  public ProtocolException(String message) {
    super(message);
  }
}

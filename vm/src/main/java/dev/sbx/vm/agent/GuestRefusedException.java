package dev.sbx.vm.agent;

import java.io.IOException;

/** The guest agent answered, but said no (a refused CONFIGURE). Not worth a retry. */
public final class GuestRefusedException extends IOException {
  public GuestRefusedException(String message) {
    super(message);
  }
}

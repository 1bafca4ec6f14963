package dev.sbx.vm.agent;

import java.io.IOException;

/**
 * The send side of one stream's flow control: starts at {@link AgentConnection#WINDOW} bytes,
 * shrinks as data is sent, grows with the peer's {@code CREDIT}.
 */
final class FlowWindow {
  private long available;
  private boolean closed;

  FlowWindow(long initial) {
    this.available = initial;
  }

  /** Blocks until some window is open, then takes up to {@code wanted} bytes of it. */
  synchronized int acquire(int wanted) throws IOException {
    while (available <= 0 && !closed) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for flow-control credit", e);
      }
    }
    if (closed) {
      throw new IOException("stream closed");
    }
    int granted = (int) Math.min(wanted, available);
    available -= granted;
    return granted;
  }

  synchronized void credit(long bytes) {
    available += bytes;
    notifyAll();
  }

  synchronized void close() {
    closed = true;
    notifyAll();
  }
}

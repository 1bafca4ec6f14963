package dev.sbx.egress;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection after an error response without losing that response: closing a socket
 * with unread input makes the kernel send a reset, which can discard the response before the
 * client reads it. So: shut down output (the client sees the response, then EOF), discard what
 * still arrives, and close when the client does or after a short grace period.
 */
final class LingeringClose {
  private static final long GRACE_MILLIS = 2000;

  private LingeringClose() {}

  static void after(Channel ch) {
    if (!(ch instanceof DuplexChannel duplex) || !ch.isActive()) {
      ch.close();
      return;
    }
    duplex.shutdownOutput().addListener(f -> {
      if (!f.isSuccess()) {
        ch.close();
        return;
      }
      ch.config().setAutoRead(true); // the handlers are in their closed state and release input
      ch.eventLoop().schedule(() -> {
        ch.close();
      }, GRACE_MILLIS, TimeUnit.MILLISECONDS);
    });
  }
}

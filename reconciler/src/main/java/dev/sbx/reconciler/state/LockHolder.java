package dev.sbx.reconciler.state;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;

/** Who holds a lock: written into the lock file so a second sbx can say who is in the way. */
public record LockHolder(long pid, String host, String command, Instant since) {
  public LockHolder {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(since, "since");
  }

  /** This process, running {@code command}. */
  public static LockHolder self(String command, Instant now) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "unknown-host";
    }
    return new LockHolder(ProcessHandle.current().pid(), host, command, now);
  }

  @Override
  public String toString() {
    return "pid " + pid + " on " + host + " (" + command + ") since " + since;
  }
}

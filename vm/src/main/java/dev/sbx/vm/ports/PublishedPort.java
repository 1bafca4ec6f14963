package dev.sbx.vm.ports;

import java.util.Objects;

/** A host listener forwarding to a guest port: {@code hostIp:hostPort} → guest {@code 127.0.0.1:guestPort}. */
public record PublishedPort(String sandbox, String hostIp, int hostPort, int guestPort) {
  public PublishedPort {
    Objects.requireNonNull(sandbox, "sandbox");
    Objects.requireNonNull(hostIp, "hostIp");
  }

  /** The spec that binds exactly this port again (same address and host port). */
  public PortSpec spec() {
    return new PortSpec(hostIp, hostPort, guestPort);
  }
}

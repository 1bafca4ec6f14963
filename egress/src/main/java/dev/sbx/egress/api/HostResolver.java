package dev.sbx.egress.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a canonical host name into addresses. The proxy calls it once per request, off the
 * network threads, checks every answer and dials one of exactly those addresses. Tests pass
 * their own resolver so they control what a name resolves to.
 */
@FunctionalInterface
public interface HostResolver {

  /**
   * Resolves {@code name} (canonical, never an IP literal).
   *
   * @throws UnknownHostException when the name does not resolve (the client gets 502)
   */
  List<InetAddress> resolve(String name) throws UnknownHostException;

  /** The operating system's resolver. */
  static HostResolver system() {
    return name -> List.of(InetAddress.getAllByName(name));
  }
}

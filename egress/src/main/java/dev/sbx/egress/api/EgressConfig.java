package dev.sbx.egress.api;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * How the proxy runs.
 *
 * @param resolver DNS for destination names
 * @param limits resource limits
 * @param decisionLogFile where decision records are appended as JSON lines, if anywhere
 * @param decisionLogCapacity how many recent records the in-memory ring keeps
 * @param interceptor who gets CONNECT tunnels that should be TLS-terminated ({@link TunnelInterceptor#NONE} by default)
 * @param ioThreads network threads (0 = Netty's default of two per core)
 * @param clock time source for records
 */
public record EgressConfig(
    HostResolver resolver,
    Limits limits,
    Optional<Path> decisionLogFile,
    int decisionLogCapacity,
    TunnelInterceptor interceptor,
    int ioThreads,
    Clock clock) {

  public EgressConfig {
    Objects.requireNonNull(resolver, "resolver");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(decisionLogFile, "decisionLogFile");
    Objects.requireNonNull(interceptor, "interceptor");
    Objects.requireNonNull(clock, "clock");
    if (decisionLogCapacity < 1) {
      throw new IllegalArgumentException("decisionLogCapacity must be positive");
    }
  }

  public static EgressConfig defaults() {
    return new EgressConfig(HostResolver.system(), Limits.defaults(), Optional.empty(), 10_000,
        TunnelInterceptor.NONE, 0, Clock.systemUTC());
  }

  public EgressConfig withResolver(HostResolver r) {
    return new EgressConfig(r, limits, decisionLogFile, decisionLogCapacity, interceptor, ioThreads, clock);
  }

  public EgressConfig withLimits(Limits l) {
    return new EgressConfig(resolver, l, decisionLogFile, decisionLogCapacity, interceptor, ioThreads, clock);
  }

  public EgressConfig withDecisionLogFile(Path p) {
    return new EgressConfig(resolver, limits, Optional.ofNullable(p), decisionLogCapacity, interceptor, ioThreads, clock);
  }

  public EgressConfig withDecisionLogCapacity(int n) {
    return new EgressConfig(resolver, limits, decisionLogFile, n, interceptor, ioThreads, clock);
  }

  public EgressConfig withInterceptor(TunnelInterceptor i) {
    return new EgressConfig(resolver, limits, decisionLogFile, decisionLogCapacity, i, ioThreads, clock);
  }

  public EgressConfig withIoThreads(int n) {
    return new EgressConfig(resolver, limits, decisionLogFile, decisionLogCapacity, interceptor, n, clock);
  }
}

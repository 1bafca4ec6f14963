package dev.sbx.egress.tls;

import java.util.List;
import java.util.Objects;

/**
 * Observes intercepted requests for the decision log and metrics. Records carry credential NAMES
 * only, and the path without its query string (queries routinely carry credentials).
 */
@FunctionalInterface
public interface InterceptionListener {

  void onEvent(Event event);

  InterceptionListener NONE = e -> {};

  /** What happened on an intercepted connection. */
  sealed interface Event permits Forwarded, Refused, UpstreamFailed {
    String sandbox();

    String host();

    int port();
  }

  /** A request went upstream, with these credentials applied. */
  record Forwarded(String sandbox, String host, int port, String method, String path, List<String> injected)
      implements Event {
    public Forwarded {
      Objects.requireNonNull(sandbox);
      Objects.requireNonNull(host);
      Objects.requireNonNull(method);
      Objects.requireNonNull(path);
      injected = List.copyOf(injected);
    }
  }

  /** A request or connection was refused by the interceptor ({@code status} sent, or 0 if closed). */
  record Refused(String sandbox, String host, int port, int status, String reason) implements Event {}

  /** The upstream could not be reached or failed certificate verification. */
  record UpstreamFailed(String sandbox, String host, int port, String reason) implements Event {}
}

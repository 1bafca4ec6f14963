package dev.sbx.egress.api;

/**
 * One sandbox's listener. {@link #address()} is where it actually listens (port 0 resolved).
 */
public interface Binding extends AutoCloseable {
  SandboxId sandbox();

  ListenAddress address();

  /** Stops listening and closes this listener's open connections. */
  @Override
  void close();
}

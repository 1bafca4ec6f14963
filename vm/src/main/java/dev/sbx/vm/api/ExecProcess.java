package dev.sbx.vm.api;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** A command running in a guest. Output goes to the {@link ExecOutput} given to exec. */
public interface ExecProcess {

  /** Sends bytes to the process's stdin (only when the request opened stdin). */
  void writeStdin(byte[] bytes) throws IOException;

  /** Closes the process's stdin. */
  void closeStdin() throws IOException;

  /** Sends a signal to the process group. */
  void signal(int signal) throws IOException;

  /** Resizes the pseudo-terminal of a command started with one; ignored otherwise. */
  default void resize(int rows, int cols) throws IOException {}

  /** Waits at most {@code timeout}; empty if it is still running then. */
  Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException;
}

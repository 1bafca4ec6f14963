package dev.sbx.reconciler.daemon;

/**
 * One frame of the {@code sbx-exec/1} stream (see {@link ExecStreamProtocol} for the wire format):
 * the client sends {@link Stdin}, {@link CloseStdin}, {@link Resize} and {@link Signal}; the daemon
 * sends {@link Stdout}, {@link Stderr} and, last, {@link Exit}.
 */
public sealed interface ExecFrame {

  /** Bytes for the command's standard input (with a terminal: keystrokes). */
  record Stdin(byte[] bytes) implements ExecFrame {
    public Stdin {
      bytes = bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Stdin s && java.util.Arrays.equals(bytes, s.bytes);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(bytes);
    }
  }

  /** Output on the command's standard output (with a terminal: everything the terminal shows). */
  record Stdout(byte[] bytes) implements ExecFrame {
    public Stdout {
      bytes = bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Stdout s && java.util.Arrays.equals(bytes, s.bytes);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(bytes);
    }
  }

  /** Output on the command's standard error (never with a terminal). */
  record Stderr(byte[] bytes) implements ExecFrame {
    public Stderr {
      bytes = bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Stderr s && java.util.Arrays.equals(bytes, s.bytes);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(bytes);
    }
  }

  /** The client's terminal changed size; ignored for a command without a terminal. */
  record Resize(int cols, int rows) implements ExecFrame {
    public Resize {
      if (cols < 1 || rows < 1 || cols > 0xFFFF || rows > 0xFFFF) {
        throw new IllegalArgumentException("terminal size out of range: " + cols + "x" + rows);
      }
    }
  }

  /** Sends signal {@code number} to the command's process group (e.g. 2 for Ctrl-C without -t). */
  record Signal(int number) implements ExecFrame {
    public Signal {
      if (number < 1 || number > 64) {
        throw new IllegalArgumentException("no such signal: " + number);
      }
    }
  }

  /** End of standard input (the client's stdin reached EOF). */
  record CloseStdin() implements ExecFrame {}

  /**
   * How the command ended, the daemon's last frame: {@code code} is the exit code (128+signal when
   * killed), {@code signal} 0 unless killed; {@code error} non-empty when it never started or the
   * session failed on the daemon's side (then code 127 or 255).
   */
  record Exit(int code, int signal, String error) implements ExecFrame {
    public Exit {
      error = error == null ? "" : error;
    }
  }
}

package dev.sbx.vm.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A command to run in the guest. {@code argv[0]} is looked up in the guest PATH when it has no
 * slash. {@code env} is applied over the sandbox environment. {@code cwd} {@code null} = the
 * user's home. With {@code stdin} false the process reads {@code /dev/null}. With a
 * {@code terminal} the command runs on a pseudo-terminal of that size (all output is stdout;
 * an empty stdin write sends ^D); {@code null} = plain pipes.
 */
public record ExecRequest(List<String> argv, Map<String, String> env, String cwd, int uid, int gid, boolean stdin,
    Terminal terminal) {

  /** A pseudo-terminal size. */
  public record Terminal(int rows, int cols) {
    public Terminal {
      if (rows < 1 || cols < 1) {
        throw new IllegalArgumentException("terminal size must be positive: " + rows + "x" + cols);
      }
    }
  }

  public ExecRequest {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv must not be empty");
    }
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
  }

  /** Plain pipes, no terminal. */
  public ExecRequest(List<String> argv, Map<String, String> env, String cwd, int uid, int gid, boolean stdin) {
    this(argv, env, cwd, uid, gid, stdin, null);
  }

  /** On a pseudo-terminal, stdin open. */
  public ExecRequest withTerminal(int rows, int cols) {
    return new ExecRequest(argv, env, cwd, uid, gid, true, new Terminal(rows, cols));
  }

  /** Runs as the sandbox user {@code agent} (uid 1000) in its home, stdin closed. */
  public static ExecRequest asAgent(String... argv) {
    return new ExecRequest(List.of(argv), Map.of(), null, GuestUser.AGENT.uid(), GuestUser.AGENT.gid(), false);
  }

  /** Runs as root in {@code /}, stdin closed. */
  public static ExecRequest asRoot(String... argv) {
    return new ExecRequest(List.of(argv), Map.of(), "/", 0, 0, false);
  }

  public ExecRequest withStdin(boolean open) {
    return new ExecRequest(argv, env, cwd, uid, gid, open, terminal);
  }

  public ExecRequest withCwd(String dir) {
    return new ExecRequest(argv, env, Objects.requireNonNull(dir, "dir"), uid, gid, stdin, terminal);
  }

  public ExecRequest withEnv(Map<String, String> extra) {
    return new ExecRequest(argv, extra, cwd, uid, gid, stdin, terminal);
  }
}

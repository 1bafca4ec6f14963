package dev.sbx.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs the real CLI in-process and captures what it printed. */
record CliRun(int exitCode, String out, String err) {
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Sbx.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Like {@link #of} with {@code stdin} as standard input (secret values are read from it). */
  static CliRun run(String stdin, String... args) {
    InputStream savedIn = System.in;
    try {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      return of(args);
    } finally {
      System.setIn(savedIn);
    }
  }

  /**
   * Like {@link #of}, also capturing what the command wrote to the process's own stdout/stderr
   * ({@code sbx exec} writes raw bytes there, binary-safe), appended before the picocli writers' text.
   */
  static CliRun withStdio(String... args) {
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      CliRun run = of(args);
      return new CliRun(run.exitCode(), out.toString(StandardCharsets.UTF_8) + run.out(),
          err.toString(StandardCharsets.UTF_8) + run.err());
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
  }

  boolean hasStackTrace() {
    return err.contains("\tat ") || err.contains("Exception:") || out.contains("\tat ");
  }
}

package dev.sbx.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs the sbx CLI in-process with a given stdin; captures stdout and stderr. */
record CliRun(int code, String out, String err) {

  static CliRun run(String stdin, String... args) {
    InputStream savedIn = System.in;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    try {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      CommandLine cli = Sbx.newCommandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      int code = cli.execute(args);
      return new CliRun(code, out.toString(), err.toString());
    } finally {
      System.setIn(savedIn);
    }
  }
}

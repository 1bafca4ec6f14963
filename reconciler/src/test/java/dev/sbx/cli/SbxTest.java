package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SbxTest {

  @Test
  void helpListsTheProgramName() {
    StringWriter out = new StringWriter();
    CommandLine cli = Sbx.newCommandLine();
    cli.setOut(new PrintWriter(out));
    int code = cli.execute("--help");
    assertEquals(0, code);
    assertTrue(out.toString().contains("Usage: sbx"), out.toString());
  }

  @Test
  void unknownOptionIsAUsageError() {
    CommandLine cli = Sbx.newCommandLine();
    cli.setErr(new PrintWriter(new StringWriter()));
    assertEquals(2, cli.execute("--no-such-option"));
  }
}

package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.vm.host.SbxDirs;
import dev.sbx.vm.image.Files2;
import dev.sbx.vm.microvm.MicrovmRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** `sbx create shell PATH` then `sbx exec NAME -- id -u` against real QEMU. */
@Tag("vm")
class SandboxCliIT {

  @Test
  void createExecLsRmAgainstARealVm() throws Exception {
    VmTests.requireVm();
    Path dir = VmTests.scratchDir("cli");
    Path ws = Files.createDirectories(dir.resolve("ws"));
    SandboxRuntimes.override(() -> new MicrovmRuntime(MicrovmRuntime.Options.fromEnvironment()
        .withDirs(SbxDirs.fromEnvironment().withState(dir.resolve("state")))));
    PrintStream realOut = System.out;
    boolean passed = false;
    try {
      assertEquals(0, sbx("create", "shell", ws.toString(), "--name", "cli", "-m", "512m"));
      var captured = new ByteArrayOutputStream();
      System.setOut(new PrintStream(captured, true));
      int code = sbx("exec", "cli", "--", "id", "-u");
      System.setOut(realOut);
      assertEquals(0, code);
      assertEquals("1000", captured.toString().strip());
      assertEquals(7, sbx("exec", "cli", "--", "sh", "-c", "exit 7"));
      var out = new StringWriter();
      var cli = Sbx.newCommandLine();
      cli.setOut(new PrintWriter(out, true));
      assertEquals(0, cli.execute("ls"));
      assertTrue(out.toString().contains("running"), out.toString());
      assertEquals(0, sbx("rm", "cli"));
      passed = true;
    } finally {
      System.setOut(realOut);
      sbx("rm", "cli");
      SandboxRuntimes.reset();
      if (passed) {
        Files2.deleteTree(dir);
      }
    }
  }

  private static int sbx(String... args) {
    var cli = Sbx.newCommandLine();
    cli.setErr(new PrintWriter(new StringWriter(), true));
    return cli.execute(args);
  }
}

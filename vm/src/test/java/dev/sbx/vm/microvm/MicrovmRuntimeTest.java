package dev.sbx.vm.microvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.api.SandboxState;
import dev.sbx.vm.host.SbxDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the runtime decides without booting anything: state from the pid record, refusals. */
class MicrovmRuntimeTest {

  private static MicrovmRuntime runtime(Path dir) {
    return new MicrovmRuntime(MicrovmRuntime.Options.fromEnvironment()
        .withDirs(new SbxDirs(dir.resolve("cache"), dir.resolve("s"))));
  }

  @Test
  void aRecordedPidThatIsNotOurQemuIsExitedAndAStopRequestMakesItStopped(@TempDir Path dir) throws Exception {
    var rt = runtime(dir);
    var store = new SandboxStore(dir.resolve("s"));
    store.createDir("a");
    store.writeSpec(SandboxSpec.minimal("a").withOwner("me", "h"));
    // our own pid is alive but is not this sandbox's QEMU: never taken for it
    long notQemu = ProcessHandle.current().pid();
    store.writeRecord("a", new VmRecord(notQemu, List.of(), "TCG", "b", true, false, "", List.of()));
    var info = rt.inspect("a").orElseThrow();
    assertEquals(SandboxState.EXITED, info.state());
    assertTrue(info.pid().isEmpty());
    store.writeRecord("a", new VmRecord(notQemu, List.of(), "TCG", "b", true, true, "", List.of()));
    assertEquals(SandboxState.STOPPED, rt.inspect("a").orElseThrow().state());
    assertEquals("me", rt.list().get(0).owner());
  }

  @Test
  void refusesMissingSharesLongSocketPathsAndUnknownSandboxes(@TempDir Path dir) {
    var rt = runtime(dir);
    var missing = assertThrows(SandboxException.class,
        () -> rt.create(SandboxSpec.minimal("a").withWorkspace(dir.resolve("nope"))));
    assertEquals(SandboxException.Kind.INVALID, missing.kind());
    assertTrue(rt.list().isEmpty());
    var deep = new MicrovmRuntime(MicrovmRuntime.Options.fromEnvironment()
        .withDirs(new SbxDirs(dir.resolve("c"), dir.resolve("x".repeat(90)))));
    assertEquals(SandboxException.Kind.INVALID,
        assertThrows(SandboxException.class, () -> deep.create(SandboxSpec.minimal("a".repeat(40)))).kind());
    assertEquals(SandboxException.Kind.NOT_FOUND, assertThrows(SandboxException.class, () -> rt.start("zz")).kind());
    assertEquals(SandboxException.Kind.NOT_FOUND, assertThrows(SandboxException.class, () -> rt.stop("zz")).kind());
    rt.destroy("zz");
    assertTrue(Files.notExists(dir.resolve("s").resolve("zz")));
  }
}

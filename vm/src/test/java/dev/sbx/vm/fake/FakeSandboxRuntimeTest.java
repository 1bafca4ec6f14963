package dev.sbx.vm.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.ExecResult;
import dev.sbx.vm.api.ExitStatus;
import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.api.SandboxState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeSandboxRuntimeTest {

  @Test
  void followsTheLifecycleAndLabels() {
    var rt = new FakeSandboxRuntime();
    rt.create(SandboxSpec.minimal("a").withOwner("me", "h1"));
    assertEquals(SandboxState.STOPPED, rt.inspect("a").orElseThrow().state());
    assertEquals(SandboxState.RUNNING, rt.start("a").state());
    assertEquals("h1", rt.list().get(0).specHash());
    rt.crash("a");
    assertEquals(SandboxState.EXITED, rt.inspect("a").orElseThrow().state());
    rt.destroy("a");
    assertTrue(rt.list().isEmpty());
    assertEquals(List.of("create a", "start a", "destroy a"), rt.calls());
  }

  @Test
  void execUsesTheHandlerAndNeedsARunningSandbox() {
    var rt = new FakeSandboxRuntime().onExec(r -> new ExecResult(ExitStatus.exited(7),
        String.join(" ", r.argv()).getBytes(StandardCharsets.UTF_8), new byte[0]));
    rt.create(SandboxSpec.minimal("a"));
    var e = assertThrows(SandboxException.class, () -> rt.run("a", ExecRequest.asAgent("id"), Duration.ofSeconds(1)));
    assertEquals(SandboxException.Kind.INVALID, e.kind());
    rt.start("a");
    ExecResult result = rt.run("a", ExecRequest.asAgent("id", "-u"), Duration.ofSeconds(1));
    assertEquals(7, result.exitCode());
    assertEquals("id -u", result.stdoutText());
  }

  @Test
  void injectedFaultsAndDuplicates() {
    var rt = new FakeSandboxRuntime();
    rt.create(SandboxSpec.minimal("a"));
    assertEquals(SandboxException.Kind.ALREADY_EXISTS,
        assertThrows(SandboxException.class, () -> rt.create(SandboxSpec.minimal("a"))).kind());
    rt.failNext(SandboxException.Kind.BOOT_FAILED);
    var e = assertThrows(SandboxException.class, () -> rt.start("a"));
    assertTrue(e.retryable());
    assertEquals(SandboxState.RUNNING, rt.start("a").state());
    assertEquals(SandboxException.Kind.NOT_FOUND, assertThrows(SandboxException.class, () -> rt.start("zz")).kind());
  }

  @Test
  void specRejectsBadNamesAndSizes() {
    assertThrows(IllegalArgumentException.class, () -> SandboxSpec.minimal("Bad Name"));
    assertThrows(IllegalArgumentException.class, () -> SandboxSpec.minimal("a").withResources(0, 512));
    assertThrows(IllegalArgumentException.class, () -> SandboxSpec.minimal("a").withResources(1, 64));
  }
}

package dev.sbx.reconciler.actuator.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.egress.EgressProxy;
import dev.sbx.egress.api.EgressConfig;
import dev.sbx.reconciler.Fixtures;
import dev.sbx.reconciler.compile.GuestPayload;
import dev.sbx.vm.fake.FakeSandboxRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A kit's image becomes the VM's root only when the image store holds it; pulling is never implicit. */
class VmSandboxRuntimeImageTest {
  @TempDir Path tmp;

  @Test
  void kitImageDropsTheFilesDigestTheCompilerAppends() {
    assertEquals("sbx/claude:1", VmSandboxRuntime.kitImage("sbx/claude:1+files@0123456789abcdef"));
    assertEquals("debian:bookworm", VmSandboxRuntime.kitImage("debian:bookworm"));
  }

  @Test
  void aStoredImageIsBootedAndAMissingOneLeavesTheBuiltInRoot() throws Exception {
    List<String> asked = new ArrayList<>();
    try (EgressProxy proxy = EgressProxy.start(EgressConfig.defaults().withIoThreads(1));
        FakeSandboxRuntime vm = new FakeSandboxRuntime()) {
      VmSandboxRuntime runtime = new VmSandboxRuntime(vm, name -> GuestPayload.NONE,
          new EgressListeners(proxy, tmp.resolve("egress")), () -> "", tmp.resolve("live"),
          ref -> {
            asked.add(ref);
            return ref.equals("sbx/claude:1");
          });
      runtime.create(Fixtures.sandbox("stored"), "dir:/srv/gitops");
      assertEquals(Optional.of("sbx/claude:1"), vm.spec("stored").orElseThrow().imageReference());

      var other = Fixtures.sandbox("missing");
      var imm = other.immutable();
      other = new dev.sbx.reconciler.desired.DesiredSandbox(other.name(), other.agent(),
          new dev.sbx.reconciler.desired.ImmutableSpec("docker/sandbox-templates:shell+files@0123456789abcdef",
              imm.kernel(), imm.installCommands(), imm.resources(), imm.workspace(), imm.mounts()),
          other.live(), other.drift(), other.provenance());
      runtime.create(other, "dir:/srv/gitops");
      assertTrue(vm.spec("missing").orElseThrow().imageReference().isEmpty(), "not in the store: built-in root");
      assertEquals(List.of("sbx/claude:1", "docker/sandbox-templates:shell"), asked);
    }
  }
}

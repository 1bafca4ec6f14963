package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real {@code sbx doctor} on this machine (which has QEMU: scripts/prepare-host.sh installs it).
 * The KVM line uses the vm module's cached verdict; on a host that has none yet it probes once.
 */
class DoctorIT {
  @TempDir Path state;

  @Test
  void everyCheckIsPresentAndQemuIsFound() {
    CliRun run = CliRun.of("doctor", "-o", "json", "--state-dir", state.toString());
    assertFalse(run.hasStackTrace(), run.err());
    JsonNode root = JsonMapper.shared().readTree(run.out());
    List<String> ids = new ArrayList<>();
    for (JsonNode c : root.path("checks")) {
      ids.add(c.path("id").asString());
      assertTrue(List.of("OK", "WARN", "FAIL").contains(c.path("status").asString()), c.toString());
      assertFalse(c.path("detail").asString().isBlank(), c.toString());
      assertEquals(!c.path("status").asString().equals("OK"), c.hasNonNull("fix"), c.toString());
    }
    assertEquals(List.of("qemu", "kvm", "virtiofsd", "busybox", "kernel", "gcc", "keyring", "disk", "daemon", "egress-ca"), ids);
    JsonNode qemu = root.path("checks").get(0);
    assertTrue(qemu.path("status").asString().matches("OK|WARN"), qemu.toString());
    assertTrue(qemu.path("detail").asString().startsWith("QEMU "), qemu.toString());
    boolean anyFail = false;
    for (JsonNode c : root.path("checks")) {
      anyFail |= c.path("status").asString().equals("FAIL");
    }
    assertEquals(anyFail ? 1 : 0, run.exitCode(), run.out());
    assertEquals(!anyFail, root.path("ok").asBoolean());

    CliRun text = CliRun.of("doctor", "--state-dir", state.toString());
    assertEquals(run.exitCode(), text.exitCode());
    List<String> lines = text.out().lines().toList();
    assertEquals(10, lines.size(), text.out());
    assertTrue(lines.get(0).matches("(OK|WARN) +qemu +QEMU .*"), lines.get(0));
    lines.forEach(l -> assertTrue(l.matches("(OK|WARN|FAIL) .*"), l));
  }
}

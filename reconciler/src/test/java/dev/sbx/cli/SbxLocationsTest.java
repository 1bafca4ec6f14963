package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CLI writes the secret store and the CA exactly where the daemon of the same state reads them. */
class SbxLocationsTest {

  @Test
  void withoutAStateDirSecretsAndCaLiveInTheDaemonsXdgStateDirectory() {
    SbxLocations l = new SbxLocations(Map.of("XDG_STATE_HOME", "/var/tmp/xdg-state", "XDG_CONFIG_HOME", "/var/tmp/cfg"));
    assertEquals(Path.of("/var/tmp/xdg-state/sbx"), l.daemonStateDir());
    assertEquals(l.daemonStateDir().resolve("secrets"), l.secretsDir());
    assertEquals(l.daemonStateDir().resolve("egress-ca"), l.egressCaDir());
  }

  @Test
  void sbxStateDirPutsEverythingUnderIt() {
    SbxLocations l = new SbxLocations(Map.of("SBX_STATE_DIR", "/var/tmp/one"));
    assertEquals(Path.of("/var/tmp/one/secrets"), l.secretsDir());
    assertEquals(Path.of("/var/tmp/one/egress-ca"), l.egressCaDir());
    assertEquals(Path.of("/var/tmp/one"), l.daemonStateDir());
  }
}

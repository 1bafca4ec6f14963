package dev.sbx.vm.microvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.image.store.ImageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How an image's config meets the spec: the spec overrides, the image fills in. */
class ImageSetupTest {
  private static final SandboxImage IMAGE = new SandboxImage("team/app:latest", "sha256:" + "a".repeat(64),
      new ImageConfig("app", List.of("PATH=/opt/app/bin:/usr/bin:/bin", "MODE=image", "LANG=C.UTF-8"),
          List.of("/opt/app/bin/serve", "--name", "it's"), List.of("--port", "80"), "/srv"), 1234, 4321);

  @Test
  void imageEnvFillsInAndTheSpecWins() {
    var spec = SandboxSpec.minimal("x").withEnv(Map.of("MODE", "kit"));
    Map<String, String> env = GuestSetup.environment(spec, IMAGE);
    assertEquals("/opt/app/bin:/usr/bin:/bin", env.get("PATH"), "the image's PATH replaces the default");
    assertEquals("kit", env.get("MODE"));
    assertEquals("C.UTF-8", env.get("LANG"));
    assertEquals("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        GuestSetup.environment(spec, null).get("PATH"), "no image: today's default");
    assertTrue(GuestSetup.configureTags(spec, IMAGE).all("env").contains("LANG=C.UTF-8"));
  }

  @Test
  void entrypointRunsAsTheImageUserInItsWorkingDirectory() {
    var command = GuestSetup.entrypoint(IMAGE);
    assertEquals("exec '/opt/app/bin/serve' '--name' 'it'\\''s' '--port' '80'", command.shell());
    assertEquals(1234, command.uid());
    assertEquals(4321, command.gid());
    assertEquals("/srv", command.cwd());
  }

  @Test
  void sandboxImageAndSpecImageRoundTrip(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("image.json");
    IMAGE.write(file);
    assertEquals(IMAGE, SandboxImage.read(file).orElseThrow());
    assertTrue(SandboxImage.read(dir.resolve("none.json")).isEmpty());
    var spec = SandboxSpec.minimal("x").withImage("debian:bookworm");
    assertEquals(spec, SpecJson.read(SpecJson.write(spec)));
    assertEquals("debian:bookworm", SpecJson.read(SpecJson.write(spec)).image());
    assertEquals(null, SpecJson.read(SpecJson.write(SandboxSpec.minimal("y"))).image());
    assertTrue(Files.exists(file));
  }
}

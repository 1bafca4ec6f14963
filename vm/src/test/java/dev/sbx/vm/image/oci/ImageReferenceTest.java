package dev.sbx.vm.image.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {
  static final String D = "sha256:" + "ab".repeat(32);

  @ParameterizedTest
  @CsvSource({
      // input, registry, repository, tag, canonical
      "ubuntu, docker.io, library/ubuntu, latest, docker.io/library/ubuntu:latest",
      "ubuntu:24.04, docker.io, library/ubuntu, 24.04, docker.io/library/ubuntu:24.04",
      "docker/sandbox-templates:claude-code-docker, docker.io, docker/sandbox-templates, claude-code-docker, docker.io/docker/sandbox-templates:claude-code-docker",
      "docker.io/library/ubuntu, docker.io, library/ubuntu, latest, docker.io/library/ubuntu:latest",
      "index.docker.io/ubuntu, docker.io, library/ubuntu, latest, docker.io/library/ubuntu:latest",
      "docker.io/ubuntu, docker.io, library/ubuntu, latest, docker.io/library/ubuntu:latest",
      "localhost:5000/x, localhost:5000, x, latest, localhost:5000/x:latest",
      "localhost/x:t, localhost, x, t, localhost/x:t",
      "127.0.0.1:5000/team/agent:v1, 127.0.0.1:5000, team/agent, v1, 127.0.0.1:5000/team/agent:v1",
      "[::1]:5000/x:t, [::1]:5000, x, t, [::1]:5000/x:t",
      "ghcr.io/org/repo/sub:1.0, ghcr.io, org/repo/sub, 1.0, ghcr.io/org/repo/sub:1.0",
      "Example/repo, Example, repo, latest, Example/repo:latest",
      "a/b/c, docker.io, a/b/c, latest, docker.io/a/b/c:latest",
      "my_org/my-repo__x.y, docker.io, my_org/my-repo__x.y, latest, docker.io/my_org/my-repo__x.y:latest",
  })
  void normalisesLikeDocker(String in, String registry, String repo, String tag, String canonical) {
    ImageReference r = ImageReference.parse(in);
    assertEquals(registry, r.registry());
    assertEquals(repo, r.repository());
    assertEquals(tag, r.tag());
    assertNull(r.digest());
    assertEquals(canonical, r.toString());
  }

  @Test
  void digestsPinAndKeepATagWhenGiven() {
    ImageReference pinned = ImageReference.parse("ubuntu@" + D);
    assertNull(pinned.tag());
    assertEquals(D, pinned.manifestReference());
    assertEquals("docker.io/library/ubuntu@" + D, pinned.toString());
    ImageReference both = ImageReference.parse("localhost:5000/x:v1@" + D);
    assertEquals("v1", both.tag());
    assertEquals(D, both.manifestReference(), "the digest wins");
    assertEquals("ubuntu:latest", ImageReference.parse("ubuntu").familiar());
    assertEquals("docker/sandbox-templates:x", ImageReference.parse("docker/sandbox-templates:x").familiar());
    assertEquals("localhost:5000/x:v1@" + D, both.familiar());
  }

  @Test
  void apiHostAndLoopback() {
    assertEquals("registry-1.docker.io", ImageReference.parse("ubuntu").apiHost());
    assertEquals("ghcr.io", ImageReference.parse("ghcr.io/a/b").apiHost());
    assertTrue(ImageReference.parse("localhost:5000/x").isLoopback());
    assertTrue(ImageReference.parse("127.0.0.1:5000/x").isLoopback());
    assertTrue(ImageReference.parse("[::1]:5000/x").isLoopback());
    assertFalse(ImageReference.parse("127.0.0.2:5000/x").isLoopback());
    assertFalse(ImageReference.parse("localhost.example.com/x").isLoopback());
    assertEquals("http://127.0.0.1:5000/v2/", OciRegistryClient.base(ImageReference.parse("127.0.0.1:5000/x")).toString());
    assertEquals("https://ghcr.io/v2/", OciRegistryClient.base(ImageReference.parse("ghcr.io/a/b")).toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "UPPER", "docker.io/Library/ubuntu", "ubuntu:", "ubuntu:-bad", "ubuntu@sha256:abc",
      "ubuntu@md5:" + "ab", "a//b", "a/", "/a", "a..b", "-a", "a-", "ubuntu:tag with space", "ex ample.com/x",
      "ubuntu@sha256:ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB"})
  void refusesInvalidReferencesWithOneClearMessage(String in) {
    OciException e = assertThrows(OciException.class, () -> ImageReference.parse(in));
    assertEquals(OciException.Kind.INVALID_REFERENCE, e.kind());
    assertTrue(e.getMessage().startsWith("invalid image reference '" + in + "'"), e.getMessage());
  }

  @Test
  void platformsParseAndMatch() {
    assertEquals(Platform.LINUX_AMD64, Platform.parse("linux/amd64"));
    assertEquals(new Platform("linux", "arm64", "v8"), Platform.parse("linux/arm64/v8"));
    assertTrue(Platform.parse("linux/arm64/v8").accepts(new Platform("linux", "arm64", null)), "arm64 means v8");
    assertTrue(Platform.LINUX_ARM64.accepts(new Platform("linux", "arm64", "v8")));
    assertFalse(Platform.parse("linux/arm/v7").accepts(new Platform("linux", "arm", "v6")));
    assertFalse(Platform.LINUX_AMD64.accepts(Platform.LINUX_ARM64));
    assertThrows(OciException.class, () -> Platform.parse("linux"));
  }
}

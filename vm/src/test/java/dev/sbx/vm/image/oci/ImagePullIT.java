package dev.sbx.vm.image.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls from a real registry ({@code docker-registry} on 127.0.0.1) images that skopeo pushed from
 * OCI layouts written here: layers with whiteouts and an opaque directory, a two-platform index, a
 * corrupted blob, a layer escaping the root, and repositories behind htpasswd and token auth.
 */
@Timeout(300)
class ImagePullIT {
  @TempDir static Path shared;
  static LocalRegistry registry;
  static Descriptor multiLayer;
  static Descriptor amd64;
  static Descriptor arm64;

  @TempDir Path tmp;

  @BeforeAll
  static void pushImages() throws IOException {
    registry = LocalRegistry.start(shared.resolve("registry"));
    OciLayoutWriter layout = new OciLayoutWriter(shared.resolve("layout"));
    multiLayer = layout.image(Platform.LINUX_AMD64, Map.of(
            "User", "1000:1000", "Env", List.of("PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"),
            "Entrypoint", List.of("/usr/bin/hello"), "Cmd", List.of("--greet", "world"),
            "WorkingDir", "/work", "Labels", Map.of("org.example.kit", "test")),
        List.of(
            new TarBuilder().dir("etc").file("etc/os-release", "ID=sbx-test\n")
                .file("usr/bin/hello", 0755, "#!/bin/sh\necho hello\n".getBytes(StandardCharsets.UTF_8))
                .hardlink("usr/bin/hello-again", "usr/bin/hello")
                .file("var/lib/old/a", "a").file("opt/app/x", "x").file("opt/app/y", "y").file("tmp/gone", "g")
                .tarGz(),
            new TarBuilder().file("var/lib/.wh.old", "").file("opt/app/.wh..wh..opq", "").file("opt/app/z", "z")
                .symlink("usr/bin/hi", "hello").file("tmp/.wh.gone", "").tarGz(),
            new TarBuilder().file("etc/os-release", "ID=sbx-test\nVERSION=3\n").owner(1000, 1000).dir("work").tarGz()));
    layout.tag("v1", multiLayer);
    amd64 = layout.image(Platform.LINUX_AMD64, Map.of("Cmd", List.of("/bin/sh")),
        List.of(new TarBuilder().file("platform", "amd64").tarGz()));
    arm64 = layout.image(new Platform("linux", "arm64", "v8"), Map.of("Cmd", List.of("/bin/sh")),
        List.of(new TarBuilder().file("platform", "arm64").tarGz()));
    layout.tag("multi", layout.index(List.of(arm64, amd64)));
    Descriptor escaping = layout.image(Platform.LINUX_AMD64, Map.of(),
        List.of(new TarBuilder().file("ok", "fine").tarGz(), new TarBuilder().file("../../escaped", "pwned").tarGz()));
    layout.tag("escape", escaping);
    Descriptor corrupt = layout.image(Platform.LINUX_AMD64, Map.of(),
        List.of(new TarBuilder().file("big", 0644, new byte[300_000]).tarGz()));
    layout.tag("corrupt", corrupt);
    registry.push(layout.dir(), "v1", "team/agent", null);
    registry.push(layout.dir(), "multi", "team/multi", null);
    registry.push(layout.dir(), "escape", "team/escape", null);
    registry.push(layout.dir(), "corrupt", "team/corrupt", null);
    registry.push(layout.dir(), "v1", "team/docker", null, "v2s2");
    registry.push(layout.dir(), "multi", "team/docker-multi", null, "v2s2");
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  private static OciRegistryClient.Options fast() {
    return OciRegistryClient.Options.defaults().withRetries(1, Duration.ofMillis(50));
  }

  private ImagePuller puller(Platform platform) {
    return new ImagePuller(fast(), platform);
  }

  @Test
  void pullsAMultiLayerImageWithWhiteoutsAndAnOpaqueDirectory() throws Exception {
    Path cache = tmp.resolve("cache");
    Path rootfs = tmp.resolve("rootfs");
    Map<String, Long> lastDone = new ConcurrentHashMap<>();
    ImagePuller.Unpacked result;
    try (ImagePuller puller = puller(Platform.LINUX_AMD64)) {
      result = puller.pullAndUnpack(ImageReference.parse(registry.host() + "/team/agent:v1"), cache, rootfs,
          (digest, done, total) -> lastDone.merge(digest, done, Math::max));
    }
    PulledImage img = result.image();
    assertEquals(multiLayer.digest(), img.manifestDigest(), "skopeo pushed our manifest unchanged");
    assertEquals(3, img.layers().size());
    assertEquals(Platform.LINUX_AMD64, img.platform());
    ImageConfig c = img.config();
    assertEquals("1000:1000", c.user());
    assertEquals("C.UTF-8", c.envMap().get("LANG"));
    assertEquals(List.of("/usr/bin/hello"), c.entrypoint());
    assertEquals(List.of("--greet", "world"), c.cmd());
    assertEquals("/work", c.workingDir());
    assertEquals(Map.of("org.example.kit", "test"), c.labels());
    for (Descriptor l : img.layers()) {
      assertEquals(l.size(), lastDone.get(l.digest()), "progress reached the total for " + l.digest());
      assertTrue(Files.isRegularFile(cache.resolve("blobs/sha256").resolve(l.hex())));
    }
    assertEquals("ID=sbx-test\nVERSION=3\n", Files.readString(rootfs.resolve("etc/os-release")));
    assertFalse(Files.exists(rootfs.resolve("var/lib/old")), "whiteout removed a lower directory");
    assertFalse(Files.exists(rootfs.resolve("tmp/gone")), "whiteout removed a lower file");
    assertEquals(List.of("z"), list(rootfs.resolve("opt/app")), "opaque directory hides lower x and y");
    assertEquals(Path.of("hello"), Files.readSymbolicLink(rootfs.resolve("usr/bin/hi")));
    assertTrue(Files.isExecutable(rootfs.resolve("usr/bin/hello")));
    assertEquals(Files.getAttribute(rootfs.resolve("usr/bin/hello"), "unix:ino"),
        Files.getAttribute(rootfs.resolve("usr/bin/hello-again"), "unix:ino"));
    assertEquals(1000, result.ownership().get("work").orElseThrow().uid());
    assertEquals(0, result.ownership().get("etc/os-release").orElseThrow().uid());
    if (LayerUnpacker.isRoot()) {
      assertEquals(1000, Files.getAttribute(rootfs.resolve("work"), "unix:uid"));
    }

    // A second pull downloads no blob: only "already there" progress calls (done == total, no 0).
    List<String> calls = new ArrayList<>();
    try (ImagePuller puller = puller(Platform.LINUX_AMD64)) {
      puller.pull(ImageReference.parse(registry.host() + "/team/agent:v1"), cache, tmp.resolve("rootfs2"),
          (digest, done, total) -> calls.add(done + "/" + total));
    }
    assertEquals(3, calls.size());
    assertTrue(calls.stream().allMatch(s -> s.split("/")[0].equals(s.split("/")[1])), calls.toString());
    assertEquals(Files.readString(rootfs.resolve("etc/os-release")), Files.readString(tmp.resolve("rootfs2/etc/os-release")));
  }

  @Test
  void aDigestPinnedPullFromAFullCacheNeedsNoRegistry() throws Exception {
    Path cache = tmp.resolve("cache");
    ImageReference byTag = ImageReference.parse(registry.host() + "/team/agent:v1");
    PulledImage first;
    try (ImagePuller puller = puller(Platform.LINUX_AMD64)) {
      first = puller.fetch(byTag, new BlobCache(cache), PullProgress.none());
    }
    // The same repository on a port where nothing listens: only the cache can answer.
    ImageReference offline = ImageReference.parse("127.0.0.1:" + LocalRegistry.freePort() + "/team/agent@" + first.manifestDigest());
    try (ImagePuller puller = puller(Platform.LINUX_AMD64)) {
      PulledImage again = puller.pull(offline, cache, tmp.resolve("rootfs"), PullProgress.none());
      assertEquals(first.configDigest(), again.configDigest());
    }
    assertTrue(Files.exists(tmp.resolve("rootfs/usr/bin/hello")));
  }

  @Test
  void anIndexResolvesToTheWantedPlatform() throws Exception {
    ImageReference ref = ImageReference.parse(registry.host() + "/team/multi:multi");
    try (ImagePuller puller = puller(Platform.LINUX_AMD64)) {
      PulledImage img = puller.pull(ref, tmp.resolve("cache"), tmp.resolve("amd64"), PullProgress.none());
      assertEquals(amd64.digest(), img.manifestDigest());
      assertEquals("amd64", Files.readString(tmp.resolve("amd64/platform")));
      assertEquals(List.of(new Platform("linux", "arm64", "v8"), Platform.LINUX_AMD64), puller.client().platforms(ref));
    }
    try (ImagePuller puller = puller(Platform.LINUX_ARM64)) {
      PulledImage img = puller.pull(ref, tmp.resolve("cache"), tmp.resolve("arm64"), PullProgress.none());
      assertEquals(arm64.digest(), img.manifestDigest());
      assertEquals(new Platform("linux", "arm64", "v8"), img.platform());
      assertEquals("arm64", Files.readString(tmp.resolve("arm64/platform")));
    }
    try (ImagePuller puller = puller(Platform.parse("linux/s390x"))) {
      OciException e = assertThrows(OciException.class,
          () -> puller.pull(ref, tmp.resolve("cache"), tmp.resolve("s390x"), PullProgress.none()));
      assertEquals(OciException.Kind.NO_MATCHING_PLATFORM, e.kind());
      assertTrue(e.getMessage().contains("linux/arm64/v8, linux/amd64"), e.getMessage());
    }
  }

  @Test
  void aCorruptedBlobIsRefusedAndNothingIsCached() throws Exception {
    ImageReference ref = ImageReference.parse(registry.host() + "/team/corrupt:corrupt");
    Path cache = tmp.resolve("cache");
    String layer;
    try (OciRegistryClient client = new OciRegistryClient(fast())) {
      layer = client.manifest(ref, Platform.LINUX_AMD64).layers().get(0).digest();
    }
    Path data = registry.blobData(layer);
    byte[] bytes = Files.readAllBytes(data);
    bytes[bytes.length / 2] ^= 0x55; // same size, other content
    Files.write(data, bytes);
    try (ImagePuller puller = puller(Platform.LINUX_AMD64)) {
      OciException e = assertThrows(OciException.class,
          () -> puller.pull(ref, cache, tmp.resolve("rootfs"), PullProgress.none()));
      assertEquals(OciException.Kind.DIGEST_MISMATCH, e.kind());
      assertTrue(e.getMessage().contains(layer) && e.getMessage().contains("refused"), e.getMessage());
    }
    BlobCache c = new BlobCache(cache);
    assertFalse(c.contains(layer));
    assertFalse(c.digests().contains(layer));
    try (Stream<Path> partial = Files.list(cache.resolve("blobs/sha256/.partial"))) {
      assertTrue(partial.noneMatch(p -> p.getFileName().toString().equals(layer.substring(7))), "no partial left");
    }
    assertFalse(Files.exists(tmp.resolve("rootfs/big")));
  }

  @Test
  void aLayerWithDotDotPathsIsRefused() throws Exception {
    Path rootfs = tmp.resolve("deep/er/rootfs");
    try (ImagePuller puller = puller(Platform.LINUX_AMD64)) {
      OciException e = assertThrows(OciException.class, () -> puller.pull(
          ImageReference.parse(registry.host() + "/team/escape:escape"), tmp.resolve("cache"), rootfs, PullProgress.none()));
      assertEquals(OciException.Kind.UNSAFE_LAYER, e.kind());
      assertTrue(e.getMessage().contains("'../../escaped'") && e.getMessage().contains("escapes the root"), e.getMessage());
    }
    assertFalse(Files.exists(tmp.resolve("deep/escaped")));
    assertFalse(Files.exists(rootfs, LinkOption.NOFOLLOW_LINKS), "the partial root file system is removed");
  }

  @Test
  void dockerSchema2ManifestsAndManifestListsArePulledToo() throws Exception {
    ImageReference single = ImageReference.parse(registry.host() + "/team/docker:v1");
    ImageReference list = ImageReference.parse(registry.host() + "/team/docker-multi:multi");
    try (ImagePuller puller = puller(Platform.LINUX_ARM64)) {
      ImageManifest m = puller.client().manifest(single, Platform.LINUX_AMD64);
      assertEquals(MediaTypes.DOCKER_MANIFEST, m.mediaType());
      assertTrue(m.layers().stream().allMatch(l -> l.mediaType().equals(MediaTypes.DOCKER_LAYER_GZIP)), m.layers().toString());
      ImageManifest fromList = puller.client().manifest(list, Platform.LINUX_ARM64);
      assertEquals(MediaTypes.DOCKER_MANIFEST, fromList.mediaType());
      PulledImage img = puller.pull(list, tmp.resolve("cache"), tmp.resolve("arm64"), PullProgress.none());
      assertEquals(fromList.digest(), img.manifestDigest());
      assertEquals("arm64", Files.readString(tmp.resolve("arm64/platform")));
    }
    try (ImagePuller puller = puller(Platform.LINUX_AMD64)) {
      PulledImage img = puller.pull(single, tmp.resolve("cache"), tmp.resolve("single"), PullProgress.none());
      assertEquals(List.of("/usr/bin/hello"), img.config().entrypoint());
      assertEquals(List.of("z"), list(tmp.resolve("single/opt/app")));
    }
  }

  @Test
  void unknownTagsAndRepositoriesAreNotFound() {
    try (OciRegistryClient client = new OciRegistryClient(fast())) {
      OciException e = assertThrows(OciException.class,
          () -> client.manifest(ImageReference.parse(registry.host() + "/team/agent:nope"), Platform.LINUX_AMD64));
      assertEquals(OciException.Kind.NOT_FOUND, e.kind());
      assertTrue(e.getMessage().contains("MANIFEST_UNKNOWN"), e.getMessage());
    }
  }

  @Test
  void htpasswdProtectedRepositoryNeedsTheCredentials() throws Exception {
    Path dir = tmp.resolve("basic-registry");
    Files.createDirectories(dir);
    String htpasswd = LocalRegistry.run(List.of("htpasswd", "-Bbn", "alice", "s3cret-pw"), Duration.ofSeconds(30));
    Files.writeString(dir.resolve("htpasswd"), htpasswd.trim() + "\n");
    try (LocalRegistry secured = LocalRegistry.start(dir,
        "  htpasswd:\n    realm: sbx-test\n    path: " + dir.resolve("htpasswd") + "\n")) {
      secured.push(shared.resolve("layout"), "v1", "private/agent", "alice:s3cret-pw");
      assertAuthEnforced(secured, "alice", "s3cret-pw");
    }
  }

  @Test
  void tokenProtectedRepositoryGetsABearerTokenFromTheRealm() throws Exception {
    Path dir = tmp.resolve("token-registry");
    try (TokenServer tokens = new TokenServer(dir.resolve("token"), "bob", "t0ken-pw");
        LocalRegistry secured = LocalRegistry.start(dir, tokens.registryAuthYaml())) {
      secured.push(shared.resolve("layout"), "v1", "private/agent", "bob:t0ken-pw");
      tokens.requests.clear();
      assertAuthEnforced(secured, "bob", "t0ken-pw");
      assertTrue(tokens.requests.contains("valid [repository:private/agent:pull]"), tokens.requests.toString());
      assertTrue(tokens.requests.contains("anonymous [repository:private/agent:pull]"), tokens.requests.toString());
    }
  }

  private void assertAuthEnforced(LocalRegistry secured, String user, String password) throws IOException {
    ImageReference ref = ImageReference.parse(secured.host() + "/private/agent:v1");
    try (ImagePuller anonymous = new ImagePuller(fast(), Platform.LINUX_AMD64)) {
      OciException e = assertThrows(OciException.class,
          () -> anonymous.pull(ref, tmp.resolve("c0"), tmp.resolve("r0"), PullProgress.none()));
      assertEquals(OciException.Kind.UNAUTHORIZED, e.kind());
      assertTrue(e.getMessage().contains("store credentials for " + secured.host()), e.getMessage());
    }
    RegistryCredentials wrong = RegistryCredentials.of(secured.host(), new RegistryCredentials.Credential(user, "wrong-pw"));
    try (ImagePuller bad = new ImagePuller(fast().withCredentials(wrong), Platform.LINUX_AMD64)) {
      OciException e = assertThrows(OciException.class, () -> bad.pull(ref, tmp.resolve("c1"), tmp.resolve("r1"), PullProgress.none()));
      assertEquals(OciException.Kind.UNAUTHORIZED, e.kind());
      assertFalse(e.getMessage().contains("wrong-pw"), "no secret in messages: " + e.getMessage());
    }
    RegistryCredentials right = RegistryCredentials.of(secured.host(), new RegistryCredentials.Credential(user, password));
    try (ImagePuller good = new ImagePuller(fast().withCredentials(right), Platform.LINUX_AMD64)) {
      PulledImage img = good.pull(ref, tmp.resolve("c2"), tmp.resolve("r2"), PullProgress.none());
      assertEquals(multiLayer.digest(), img.manifestDigest());
    }
    assertEquals("ID=sbx-test\nVERSION=3\n", Files.readString(tmp.resolve("r2/etc/os-release")));
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}

package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.vm.host.HostCommand;
import dev.sbx.vm.host.SbxDirs;
import dev.sbx.vm.image.store.ImageConfig;
import dev.sbx.vm.image.store.ImageRecord;
import dev.sbx.vm.image.store.ImageStore;
import dev.sbx.vm.image.store.ProgressListener;
import dev.sbx.vm.image.store.RootfsDigest;
import dev.sbx.vm.microvm.MicrovmRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.ObjectMapper;

/** {@code sbx image ...} against a real store in a temp dir (real mkfs.ext4 and qemu-img, tiny trees). */
class ImageCommandsTest {
  @TempDir Path tmp;
  ImageStore store;

  @BeforeEach
  void setUp() {
    Assumptions.assumeTrue(HostCommand.available("mkfs.ext4") && HostCommand.available("qemu-img"),
        "needs e2fsprogs and qemu-utils (scripts/prepare-host.sh)");
    store = new ImageStore(tmp.resolve("data/images"), 16);
    ImageStores.override(() -> store);
  }

  @AfterEach
  void tearDown() {
    ImageStores.reset();
    SandboxRuntimes.reset();
  }

  private ImageRecord image(String content, String... refs) throws IOException {
    Path root = Files.createDirectories(tmp.resolve("tree-" + content));
    Files.writeString(root.resolve("file"), content);
    return store.importRootfs(new ImageStore.ImportRequest(root, ImageConfig.NONE, RootfsDigest.of(root),
        List.of(refs), "test tree", List.of()), ProgressListener.NONE);
  }

  @Test
  void lsPrintsAnAlignedTableAndJsonAndYaml() throws IOException {
    CliRun empty = CliRun.of("image", "ls");
    assertEquals(0, empty.exitCode());
    assertTrue(empty.out().startsWith("REFERENCE  IMAGE ID  SIZE  CREATED  USED BY  SOURCE"), empty.out());

    ImageRecord a = image("a", "team/python:3.11", "py");
    image("bb", "example.com/very/long/name:tag");
    CliRun table = CliRun.of("image", "ls");
    assertEquals(0, table.exitCode(), table.err());
    List<String> lines = table.out().lines().toList();
    assertEquals(4, lines.size(), table.out());
    int idColumn = lines.get(0).indexOf("IMAGE ID");
    for (String line : lines.subList(1, lines.size())) {
      assertTrue(line.substring(idColumn).matches("[0-9a-f]{12} .*"), "aligned: " + line);
    }
    assertTrue(table.out().contains("py:latest"));

    CliRun json = CliRun.of("image", "ls", "-o", "json");
    var tree = new ObjectMapper().readTree(json.out());
    assertEquals(2, tree.size());
    var first = tree.get(0).get("digest").asString().equals(a.digest()) ? tree.get(0) : tree.get(1);
    assertEquals(a.shortId(), first.get("id").asString());
    assertEquals(List.of("team/python:3.11", "py:latest"),
        List.of(first.get("references").get(0).asString(), first.get("references").get(1).asString()));

    CliRun yaml = CliRun.of("image", "ls", "-o", "yaml");
    assertTrue(yaml.out().contains("digest: " + a.digest()), yaml.out());
    assertTrue(yaml.out().contains("- team/python:3.11"), yaml.out());

    CliRun bad = CliRun.of("image", "ls", "-o", "xml");
    assertEquals(2, bad.exitCode());
    assertEquals(1, bad.err().lines().count(), bad.err());
  }

  @Test
  void rmRefusesAnImageInUseUnlessForcedAndPruneKeepsUsedImages() throws IOException {
    ImageRecord used = image("u", "used");
    image("x", "unused", "also-unused");
    store.attach("used", tmp.resolve("sb.qcow2"), "sb1");

    CliRun refused = CliRun.of("image", "rm", "used");
    assertEquals(2, refused.exitCode());
    assertTrue(refused.err().startsWith("sbx: image used:latest is used by 1 sandbox(es): sb1"), refused.err());
    assertFalse(refused.err().contains("Exception"), refused.err());

    CliRun untag = CliRun.of("image", "rm", "also-unused");
    assertEquals(0, untag.exitCode(), untag.err());
    assertEquals("untagged also-unused:latest\n", untag.out());

    CliRun prune = CliRun.of("image", "prune");
    assertEquals(0, prune.exitCode(), prune.err());
    assertTrue(prune.out().contains("(unused:latest)") && prune.out().contains("reclaimed"), prune.out());
    assertEquals(List.of(used.digest()), store.list().stream().map(ImageRecord::digest).toList());

    CliRun forced = CliRun.of("image", "rm", "--force", used.shortId());
    assertEquals(0, forced.exitCode(), forced.err());
    assertEquals("deleted " + used.digest() + "\n", forced.out());
    assertTrue(forced.err().contains("sandbox sb1 used it"), forced.err());

    CliRun missing = CliRun.of("image", "rm", "nothing:here");
    assertEquals(2, missing.exitCode());
    assertTrue(missing.err().contains("no image 'nothing:here'"), missing.err());
  }

  @Test
  void buildChecksItsInputBeforeRunningAnything() {
    CliRun bad = CliRun.of("image", "build", "debian", "--suite", "Bookworm!", "--packages", "git");
    assertEquals(2, bad.exitCode());
    assertEquals("sbx: --suite 'Bookworm!' is not a Debian suite name (for example bookworm)\n", bad.err());
    CliRun badPackage = CliRun.of("image", "build", "debian", "--suite", "bookworm", "--packages", "git,rm -rf");
    assertEquals(2, badPackage.exitCode());
    assertTrue(badPackage.err().contains("'rm -rf' is not a Debian package name"), badPackage.err());
  }

  @Test
  void createWithAnUnknownImageIsAUserErrorAndLeavesNothing() throws IOException {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    SbxDirs dirs = new SbxDirs(tmp.resolve("cache"), tmp.resolve("state"), tmp.resolve("data"));
    SandboxRuntimes.override(() -> new MicrovmRuntime(MicrovmRuntime.Options.fromEnvironment().withDirs(dirs)));
    CliRun run = CliRun.of("create", "shell", ws.toString(), "--name", "x", "--image", "nope:1");
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("no image 'nope:1'"), run.err());
    assertFalse(Files.exists(tmp.resolve("state/x")), "no sandbox directory left behind");
  }

  @Test
  void pullReportsBadInputAndUnreachableRegistriesInOneLine() throws IOException {
    CliRun bad = CliRun.of("image", "pull", "Not A Reference");
    assertEquals(2, bad.exitCode());
    assertEquals(1, bad.err().lines().count(), bad.err());
    assertFalse(bad.err().contains("Exception"), bad.err());

    CliRun halfLogin = CliRun.of("image", "pull", "localhost:5000/x:1", "--username", "me");
    assertEquals(2, halfLogin.exitCode());
    assertTrue(halfLogin.err().contains("--password-stdin"), halfLogin.err());

    CliRun platform = CliRun.of("image", "pull", "localhost:5000/x:1", "--platform", "amd64");
    assertEquals(2, platform.exitCode());

    int closedPort;
    try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    CliRun down = CliRun.of("image", "pull", "127.0.0.1:" + closedPort + "/team/app:1");
    assertEquals(1, down.exitCode(), down.err());
    assertTrue(down.err().lines().anyMatch(l -> l.startsWith("sbx: ")), down.err());
    assertFalse(down.err().contains("Exception"), down.err());
    assertTrue(store.list().isEmpty());
  }
}

package dev.sbx.vm.microvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.ExecResult;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.api.SandboxState;
import dev.sbx.vm.host.HostCommand;
import dev.sbx.vm.image.store.ImageException;
import dev.sbx.vm.image.store.ImageRecord;
import dev.sbx.vm.image.store.ImageStore;
import dev.sbx.vm.testing.DebianFixture;
import dev.sbx.vm.testing.VmAvailability;
import dev.sbx.vm.testing.VmTestDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Sandboxes from a debootstrap-built Debian image: the image boots as the root (the agent still
 * PID 1 from the initramfs), exec runs a program only that image has, the image's env applies,
 * and a second sandbox from the same image copies no image data (measured in allocated blocks).
 */
@Tag("vm")
class ImageSandboxIT {
  private static final Duration CMD = Duration.ofSeconds(60);
  private static final long MIB = 1024 * 1024;

  @BeforeAll
  static void requirements() {
    VmAvailability.requireQemu();
    VmAvailability.require(HostCommand.available("qemu-img"), "qemu-img (qemu-utils) is not installed");
    VmAvailability.kernel();
  }

  @Test
  void debianImageBootsAndSecondSandboxCopiesNoImageData() throws Exception {
    Path dir = VmTestDir.create("img");
    boolean passed = false;
    var dirs = VmAvailability.dirs(dir.resolve("s")).withData(dir.resolve("data"));
    try (var runtime = new MicrovmRuntime(MicrovmRuntime.Options.fromEnvironment().withDirs(dirs))) {
      ImageStore store = runtime.imageStore();
      ImageRecord image = DebianFixture.build(store);
      Path base = store.disk(image);
      long baseAllocated = ImageStore.allocated(base);
      long storeBefore = ImageStore.allocated(store.root());
      assertTrue(baseAllocated > 100 * MIB, "the base disk holds the Debian tree: " + baseAllocated);

      runtime.create(SandboxSpec.minimal("deb1").withImage(DebianFixture.TAG));
      runtime.create(SandboxSpec.minimal("deb2").withImage(image.shortId()));
      for (String name : List.of("deb1", "deb2")) {
        Path sandboxDir = runtime.sandboxDir(name);
        long allocated = ImageStore.allocated(sandboxDir);
        assertTrue(allocated < 2 * MIB, name + " allocates " + allocated + " bytes at create (overlay only)");
        try (Stream<Path> files = Files.list(sandboxDir)) {
          for (Path f : files.toList()) {
            assertTrue(Files.size(f) < 2 * MIB || f.getFileName().toString().equals("root.qcow2"),
                "no copy of the base in " + f);
          }
        }
        var info = HostCommand.run(List.of("qemu-img", "info", "--output=json", sandboxDir.resolve("root.qcow2")
            .toString()), null, Duration.ofSeconds(30));
        assertTrue(info.stdout().contains("\"backing-filename\": \"" + base + "\""), info.stdout());
      }
      assertEquals(storeBefore, ImageStore.allocated(store.root()) - usesFiles(store, image),
          "creating sandboxes adds nothing to the store but the use records");
      assertEquals(baseAllocated, ImageStore.allocated(base));
      assertEquals(List.of("deb1", "deb2"), store.users(image.digest()).stream().map(ImageStore.ImageUse::sandbox)
          .sorted().toList());
      var inUse = assertThrows(ImageException.class, () -> store.remove(DebianFixture.TAG, false));
      assertEquals(ImageException.Kind.IN_USE, inUse.kind());

      var started = runtime.start("deb1");
      assertEquals(SandboxState.RUNNING, started.state(), String.valueOf(started.failures()));
      assertEquals(List.of(), started.failures());
      ExecResult py = runtime.run("deb1", ExecRequest.asAgent("python3", "-c", "print(6*7)"), CMD);
      assertEquals("42", py.stdoutText().strip(), py.stderrText());
      ExecResult env = runtime.run("deb1", ExecRequest.asAgent("sh", "-c",
          "echo $LANG; id -u; cat /etc/debian_version; test -e /bin/busybox && echo busybox || echo no-busybox"), CMD);
      String[] lines = env.stdoutText().strip().split("\n");
      assertEquals("C.UTF-8", lines[0], "the image's env applies");
      assertEquals("1000", lines[1]);
      assertTrue(lines[2].startsWith("12."), "Debian 12: " + lines[2]);
      assertEquals("no-busybox", lines[3], "the root is the image, not the initramfs");
      ExecResult write = runtime.run("deb1", ExecRequest.asRoot("sh", "-c", "echo hi > /etc/sbx-written && sync"), CMD);
      assertEquals(0, write.exitCode());
      assertEquals(baseAllocated, ImageStore.allocated(base), "guest writes go to the overlay, never the base");

      runtime.stop("deb1");
      runtime.destroy("deb1");
      runtime.destroy("deb2");
      assertEquals(List.of(), store.users(image.digest()));
      assertEquals(1, store.prune().images().size());
      assertTrue(store.list().isEmpty());
      passed = true;
    } finally {
      VmTestDir.deleteIfPassed(dir, passed);
    }
  }

  /**
   * A tiny two-layer OCI image (busybox; then an app layer with a whiteout) pushed to a real
   * local registry and pulled into the store: it boots, exec runs a program only that image has,
   * the whiteout removed the lower layer's file, and the image config is honoured: the entrypoint
   * runs as the image user in its working directory, left running; execs without a directory
   * start there; the image's env applies under the spec's.
   */
  @Test
  void pulledImageBootsAndItsConfigIsHonoured() throws Exception {
    Path dir = VmTestDir.create("pull");
    boolean passed = false;
    var dirs = VmAvailability.dirs(dir.resolve("s")).withData(dir.resolve("data"));
    try (var runtime = new MicrovmRuntime(MicrovmRuntime.Options.fromEnvironment().withDirs(dirs));
        var registry = dev.sbx.vm.testing.LocalRegistry.start(Files.createDirectories(dir.resolve("registry")))) {
      Path base = dir.resolve("layer-base");
      for (String d : List.of("bin", "etc", "tmp", "proc", "sys", "dev", "run")) {
        Files.createDirectories(base.resolve(d));
      }
      Path busybox = Path.of("/bin/busybox");
      Files.copy(busybox, base.resolve("bin/busybox"));
      for (String applet : dev.sbx.vm.image.InitramfsBuilder.busyboxApplets(busybox)) {
        if (!applet.equals("busybox") && !Files.exists(base.resolve("bin").resolve(applet))) {
          Files.createSymbolicLink(base.resolve("bin").resolve(applet), Path.of("busybox"));
        }
      }
      Files.writeString(base.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\napp:x:1234:1234::/srv/app:/bin/sh\n");
      Files.writeString(base.resolve("etc/group"), "root:x:0:\napp:x:1234:\n");
      Files.writeString(base.resolve("etc/removed-by-app-layer"), "lower\n");
      Path app = dir.resolve("layer-app");
      Files.createDirectories(app.resolve("srv/app"));
      Files.createDirectories(app.resolve("usr/bin"));
      Files.createDirectories(app.resolve("etc"));
      Files.createFile(app.resolve("etc/.wh.removed-by-app-layer"));
      Files.writeString(app.resolve("usr/bin/hello-oci"), "#!/bin/sh\necho hello from the pulled image\n");
      Files.writeString(app.resolve("usr/bin/serve"), "#!/bin/sh\n"
          + "{ echo \"args=$*\"; echo \"uid=$(id -u) cwd=$(pwd) greeting=$GREETING\"; } > /tmp/entry.out\n"
          + "exec sleep 100000\n");
      for (String f : List.of("usr/bin/hello-oci", "usr/bin/serve")) {
        Files.setPosixFilePermissions(app.resolve(f), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      Files.setAttribute(app.resolve("srv/app"), "unix:uid", 1234);
      Files.setAttribute(app.resolve("srv/app"), "unix:gid", 1234);
      registry.push(dir, List.of(base, app), "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{"
          + "\"User\":\"app\",\"Env\":[\"PATH=/usr/bin:/bin\",\"GREETING=from-image\",\"MODE=image\"],"
          + "\"Entrypoint\":[\"/usr/bin/serve\"],\"Cmd\":[\"--port\",\"8080\"],\"WorkingDir\":\"/srv/app\"},"
          + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[%DIFF_IDS%]}}", "test/tiny", "v1");

      ImageStore store = runtime.imageStore();
      String ref = registry.host() + "/test/tiny:v1";
      var progress = new java.util.ArrayList<String>();
      ImageRecord pulled = new dev.sbx.vm.image.store.RegistryImport(store,
          dev.sbx.vm.image.oci.OciRegistryClient.Options.defaults(), dev.sbx.vm.image.oci.Platform.LINUX_AMD64)
          .pull(ref, progress::add);
      assertTrue(progress.stream().anyMatch(l -> l.contains("verified")), String.valueOf(progress));
      assertEquals(List.of(ref), pulled.references());
      assertEquals(4, pulled.blobs().size(), "manifest, config, two layers: kept by prune");
      assertEquals(1234, pulled.uid());
      ImageRecord again = new dev.sbx.vm.image.store.RegistryImport(store,
          dev.sbx.vm.image.oci.OciRegistryClient.Options.defaults(), dev.sbx.vm.image.oci.Platform.LINUX_AMD64)
          .pull(ref, l -> { });
      assertEquals(pulled.digest(), again.digest());
      assertEquals(1, store.list().size(), "pulled twice, stored once");

      runtime.create(SandboxSpec.minimal("tiny").withImage(ref).withEnv(java.util.Map.of("MODE", "spec")));
      var started = runtime.start("tiny");
      assertEquals(List.of(), started.failures());
      ExecResult hello = runtime.run("tiny", ExecRequest.asAgent("hello-oci"), CMD);
      assertEquals("hello from the pulled image", hello.stdoutText().strip(), hello.stderrText());
      ExecResult whiteout = runtime.run("tiny", ExecRequest.asRoot("sh", "-c",
          "test -e /etc/removed-by-app-layer && echo present || echo absent; stat -c %u /srv/app"), CMD);
      assertEquals("absent\n1234", whiteout.stdoutText().strip());
      ExecResult entry = runtime.run("tiny", ExecRequest.asRoot("cat", "/tmp/entry.out"), CMD);
      assertEquals("args=--port 8080\nuid=1234 cwd=/srv/app greeting=from-image", entry.stdoutText().strip());
      ExecResult running = runtime.run("tiny", ExecRequest.asRoot("sh", "-c", "ps -o user,args | grep '[s]leep 100000'"),
          CMD);
      assertTrue(running.stdoutText().contains("sleep 100000"), "the entrypoint is left running: " + running.stdoutText());
      ExecResult here = runtime.run("tiny", ExecRequest.asAgent("sh", "-c", "pwd; echo $MODE $GREETING"), CMD);
      assertEquals("/srv/app\nspec from-image", here.stdoutText().strip(), "image workdir and env; the spec wins");
      assertTrue(runtime.startupLog("tiny").contains("== entrypoint running"), runtime.startupLog("tiny"));
      runtime.destroy("tiny");
      passed = true;
    } finally {
      VmTestDir.deleteIfPassed(dir, passed);
    }
  }

  private static long usesFiles(ImageStore store, ImageRecord image) {
    return ImageStore.allocated(store.root().resolve(image.digest().substring(7)).resolve("users"));
  }
}

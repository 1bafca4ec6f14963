package dev.sbx.vm.microvm;

import dev.sbx.vm.api.Mount;
import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.image.GuestImage;
import dev.sbx.vm.qemu.Accel;
import dev.sbx.vm.qemu.Processes;
import dev.sbx.vm.qemu.QemuArgs;
import dev.sbx.vm.qemu.VmLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts one boot attempt: the virtiofsd helpers, then QEMU; kills them all on failure. */
final class VmLauncher {
  private final MicrovmRuntime.Options options;
  private final GuestImage image;
  private final Accel accel;
  private final SandboxSpec spec;
  private final VmLayout layout;
  private final List<Long> helpers = new ArrayList<>();
  private Process qemu;

  VmLauncher(MicrovmRuntime.Options options, GuestImage image, Accel accel, SandboxSpec spec, VmLayout layout) {
    this.options = options;
    this.image = image;
    this.accel = accel;
    this.spec = spec;
    this.layout = layout;
  }

  void start() throws IOException, InterruptedException {
    Files.deleteIfExists(layout.console());
    Files.deleteIfExists(layout.qmpSocket());
    Files.deleteIfExists(layout.agentSocket());
    List<Mount> shares = spec.shares();
    var sockets = new ArrayList<Path>();
    try {
      for (int i = 0; i < shares.size(); i++) {
        helpers.add(VirtiofsDaemon.start(options.virtiofsd(), shares.get(i), layout.shareSocket(i), layout.shareLog(i)));
        sockets.add(layout.shareSocket(i));
      }
      // an image sandbox's only disk is its overlay; the busybox root has the plain sandbox disk
      Path disk = Files.exists(layout.overlay()) ? layout.overlay() : layout.disk();
      var args = new QemuArgs(options.qemu(), image, accel, spec.cpus(), spec.memoryMib(), layout, null, disk, sockets);
      qemu = new ProcessBuilder(Detached.argv(args.argv())).redirectErrorStream(true)
          .redirectOutput(layout.qemuLog().toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      kill();
      throw new SandboxException(SandboxException.Kind.ENVIRONMENT, spec.name(),
          "cannot start " + options.qemu() + ": " + e.getMessage() + " (install qemu-system-x86)", e);
    } catch (RuntimeException | InterruptedException e) {
      kill();
      throw e;
    }
  }

  long qemuPid() {
    return qemu.pid();
  }

  List<Long> helperPids() {
    return List.copyOf(helpers);
  }

  boolean qemuAlive() {
    return qemu != null && qemu.isAlive();
  }

  void kill() {
    try {
      if (qemu != null) {
        qemu.destroyForcibly();
        qemu.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
      for (int i = 0; i < helpers.size(); i++) {
        VirtiofsDaemon.stop(helpers.get(i), layout.shareSocket(i));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (qemu != null) {
        Processes.kill(qemu.pid(), layout.processMarker());
      }
    }
  }
}

package dev.sbx.vm.qemu;

import dev.sbx.vm.image.GuestImage;
import dev.sbx.vm.image.GuestLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@code qemu-system-x86_64 -M microvm} command line: ACPI on (the Debian kernel finds
 * virtio-mmio devices through it), no default devices, QMP and the agent channel on unix
 * sockets, serial console to a file, memfd memory shared with virtiofsd, and under TCG the
 * {@code -icount} that makes boots reliable.
 *
 * @param rdinit {@code null} for the agent; {@link GuestLayout#PROBE_INIT} for probe boots
 * @param disk {@code null} for none; a {@code .qcow2} file is attached as qcow2 (an image
 *     sandbox's overlay, whose backing file QEMU opens read-only), anything else as raw
 * @param shares virtiofs sockets with their tags ({@code fs0}, {@code fs1}, …)
 */
public record QemuArgs(
    String binary, GuestImage image, Accel accel, int cpus, long memoryMib, VmLayout layout, String rdinit,
    Path disk, List<Path> shares) {

  public static final String QEMU = "qemu-system-x86_64";
  /** TCG translation cache per VM, MiB. */
  static final int TCG_CACHE_MIB = 64;

  public QemuArgs {
    shares = List.copyOf(shares);
  }

  public static String shareTag(int index) {
    return "fs" + index;
  }

  /**
   * The vCPUs QEMU gets. Under TCG a microvm with more than one vCPU never reached the agent on
   * the build machines (icount forces single-threaded round-robin TCG), so TCG guests get one
   * vCPU; the requested count applies where KVM runs guests.
   */
  public int vcpus() {
    return accel == Accel.KVM ? cpus : 1;
  }

  public List<String> argv() {
    var a = new ArrayList<String>();
    a.add(binary);
    a.add("-name");
    a.add("sbx-" + layout.dir().getFileName());
    a.add("-M");
    a.add("microvm,acpi=on,pit=on,pic=on,rtc=on,memory-backend=mem");
    if (accel == Accel.KVM) {
      a.addAll(List.of("-accel", "kvm", "-cpu", "host"));
    } else {
      // tb-size caps TCG's translation cache (QEMU's default grows to hundreds of MiB per VM).
      a.addAll(List.of("-accel", "tcg,tb-size=" + TCG_CACHE_MIB, "-cpu", "max", "-icount", "shift=auto,sleep=on"));
    }
    a.addAll(List.of("-smp", String.valueOf(vcpus()), "-m", memoryMib + "M"));
    a.addAll(List.of("-object", "memory-backend-memfd,id=mem,size=" + memoryMib + "M,share=on"));
    a.addAll(List.of("-global", "virtio-mmio.force-legacy=false"));
    a.addAll(List.of("-nodefaults", "-no-user-config", "-nographic", "-no-reboot"));
    a.addAll(List.of("-kernel", image.kernel().image().toString(), "-initrd", image.initramfs().toString()));
    String append = "console=ttyS0 reboot=t panic=-1 quiet";
    if (rdinit != null) {
      append += " rdinit=" + rdinit;
    }
    a.addAll(List.of("-append", append));
    a.addAll(List.of("-serial", "file:" + layout.console()));
    a.addAll(List.of("-qmp", "unix:" + layout.qmpSocket() + ",server=on,wait=off"));
    a.addAll(List.of("-device", "virtio-serial-device"));
    a.addAll(List.of("-chardev", "socket,id=agent,path=" + layout.agentSocket() + ",server=on,wait=off"));
    a.addAll(List.of("-device", "virtserialport,chardev=agent,name=" + GuestLayout.AGENT_PORT));
    if (disk != null) {
      String format = disk.getFileName().toString().endsWith(".qcow2") ? "qcow2" : "raw";
      a.addAll(List.of("-drive", "file=" + disk + ",format=" + format + ",if=none,id=disk0,cache=writeback,discard=unmap"));
      a.addAll(List.of("-device", "virtio-blk-device,drive=disk0"));
    }
    for (int i = 0; i < shares.size(); i++) {
      a.addAll(List.of("-chardev", "socket,id=fs" + i + ",path=" + shares.get(i)));
      a.addAll(List.of("-device", "vhost-user-fs-device,chardev=fs" + i + ",tag=" + shareTag(i)));
    }
    return a;
  }
}

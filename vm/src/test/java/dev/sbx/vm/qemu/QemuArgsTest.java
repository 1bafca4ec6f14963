package dev.sbx.vm.qemu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.vm.image.GuestImage;
import dev.sbx.vm.image.GuestKernel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuArgsTest {
  private static final GuestImage IMAGE = new GuestImage(
      new GuestKernel("6.1", Path.of("/k/vmlinuz"), Path.of("/k/lib/modules/6.1")), Path.of("/c/init.img"), "abc");
  private static final VmLayout LAYOUT = new VmLayout(Path.of("/s/api"));

  private static String argv(Accel accel, List<Path> shares) {
    return String.join(" ", new QemuArgs("qemu", IMAGE, accel, 2, 1024, LAYOUT, null, LAYOUT.disk(), shares).argv());
  }

  @Test
  void tcgGetsIcountAndKvmDoesNot() {
    assertTrue(argv(Accel.TCG, List.of()).contains("-accel tcg,tb-size=64 -cpu max -icount shift=auto,sleep=on"));
    String kvm = argv(Accel.KVM, List.of());
    assertTrue(kvm.contains("-accel kvm -cpu host"));
    assertFalse(kvm.contains("-icount"));
  }

  @Test
  void microvmWithAcpiNoDefaultsLimitsAndSockets() {
    String a = argv(Accel.TCG, List.of());
    assertTrue(a.contains("-M microvm,acpi=on"));
    assertTrue(a.contains("-nodefaults"));
    assertTrue(a.contains("-smp 1 -m 1024M"), "TCG guests get one vCPU whatever was asked");
    assertTrue(argv(Accel.KVM, List.of()).contains("-smp 2 -m 1024M"), "KVM guests get what was asked");
    assertTrue(a.contains("memory-backend-memfd,id=mem,size=1024M,share=on"));
    assertTrue(a.contains("-qmp unix:/s/api/qmp.sock,server=on,wait=off"));
    assertTrue(a.contains("socket,id=agent,path=/s/api/agent.sock,server=on,wait=off"));
    assertTrue(a.contains("virtserialport,chardev=agent,name=dev.sbx.agent"));
    assertTrue(a.contains("-serial file:/s/api/console.log"));
    assertTrue(a.contains("virtio-blk-device,drive=disk0"));
    assertFalse(a.contains("-netdev") || a.contains("virtio-net"), "the guest has no network device");
  }

  @Test
  void eachShareIsAVhostUserFsDeviceWithItsTag() {
    String a = argv(Accel.TCG, List.of(Path.of("/s/api/fs0.sock"), Path.of("/s/api/fs1.sock")));
    assertTrue(a.contains("-global virtio-mmio.force-legacy=false"));
    assertTrue(a.contains("vhost-user-fs-device,chardev=fs0,tag=fs0"));
    assertTrue(a.contains("vhost-user-fs-device,chardev=fs1,tag=fs1"));
    assertTrue(a.contains("socket,id=fs1,path=/s/api/fs1.sock"));
  }

  @Test
  void anImageOverlayIsAttachedAsQcow2AndThePlainDiskAsRaw() {
    String overlay = String.join(" ", new QemuArgs("qemu", IMAGE, Accel.TCG, 1, 512, LAYOUT, null, LAYOUT.overlay(),
        List.of()).argv());
    assertTrue(overlay.contains("file=/s/api/root.qcow2,format=qcow2,"), overlay);
    assertTrue(argv(Accel.TCG, List.of()).contains("file=/s/api/disk.img,format=raw,"));
  }
}

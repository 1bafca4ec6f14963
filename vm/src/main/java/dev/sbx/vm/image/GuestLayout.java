package dev.sbx.vm.image;

import java.util.List;

/**
 * The one place that says what the initramfs contains for the guest agent: the files under
 * {@code /etc/sbx/} it reads at boot, the kernel modules, and the probe init used by the KVM
 * check and the boot benchmark. Keep in sync with {@code native/README.md}.
 */
public final class GuestLayout {
  private GuestLayout() {}

  /** virtio-serial port name of the agent channel ({@code /dev/virtio-ports/NAME}). */
  public static final String AGENT_PORT = "dev.sbx.agent";
  /** Absolute module paths in load order, one per line; PID 1 insmods them before anything else. */
  public static final String MODULES_FILE = "/etc/sbx/modules";
  /** The agent port name, one line. */
  public static final String CHANNEL_FILE = "/etc/sbx/channel";
  /** The guest agent, PID 1. */
  public static final String INIT = "/init";
  /** A shell script init that prints {@link #PROBE_MARKER} and powers off (boot probes, benchmark). */
  public static final String PROBE_INIT = "/sbin/sbx-probe";
  public static final String PROBE_MARKER = "SBX-PROBE-INIT";
  /**
   * When present, PID 1 mounts this device ({@code DEVICE FSTYPE [OPTIONS]}) and makes it the root
   * before serving the channel (native/PROTOCOL.md); images boot this way, the busybox root not.
   */
  public static final String ROOT_FILE = "/etc/sbx/root";
  /** An image sandbox's only disk: the qcow2 overlay over the image's ext4. */
  public static final String IMAGE_ROOT = "/dev/vda ext4";
  /** Where the per-sandbox disk is mounted. */
  public static final String DISK_MOUNT = "/var/lib/sbx";

  /**
   * Modules the guest needs, by name; dependencies are added by {@link ModuleOrder}. virtio_mmio is
   * the transport on microvm; virtio_console carries the agent channel; virtio_blk the disk;
   * virtiofs the shares.
   */
  public static final List<String> MODULES = List.of("virtio_mmio", "virtio_console", "virtio_blk", "virtiofs");

  /** Directories every image has. */
  public static final List<String> DIRECTORIES = List.of(
      "/bin", "/sbin", "/usr", "/usr/bin", "/usr/sbin", "/etc", "/etc/sbx", "/dev", "/proc", "/sys", "/run",
      "/tmp", "/root", "/home", "/var", "/var/lib", "/var/lib/sbx", "/mnt", "/lib", "/lib/modules");

  static final String PASSWD = "root:x:0:0:root:/root:/bin/sh\n";
  static final String GROUP = "root:x:0:\n";
  static final String PROFILE = "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n";

  static String probeScript() {
    return "#!/bin/sh\n"
        + "/bin/mount -t proc proc /proc 2>/dev/null\n"
        + "echo \"" + PROBE_MARKER + " uptime=$(/bin/cut -d' ' -f1 /proc/uptime)\"\n"
        + "/bin/poweroff -f\n";
  }
}

package dev.sbx.vm.qemu;

import java.nio.file.Path;

/**
 * The files of one sandbox in its state directory. Unix socket paths must stay short (108
 * bytes), so the names are short too.
 */
public record VmLayout(Path dir) {
  /** A string only this sandbox's QEMU has on its command line (its QMP socket path). */
  public String processMarker() {
    return qmpSocket().toString();
  }

  public Path metadata() {
    return dir.resolve("sandbox.json");
  }

  public Path runtime() {
    return dir.resolve("vm.json");
  }

  public Path qmpSocket() {
    return dir.resolve("qmp.sock");
  }

  public Path agentSocket() {
    return dir.resolve("agent.sock");
  }

  public Path shareSocket(int index) {
    return dir.resolve("fs" + index + ".sock");
  }

  public Path shareLog(int index) {
    return dir.resolve("fs" + index + ".log");
  }

  public Path console() {
    return dir.resolve("console.log");
  }

  public Path qemuLog() {
    return dir.resolve("qemu.log");
  }

  public Path disk() {
    return dir.resolve("disk.img");
  }

  /** The copy-on-write root disk over a stored image (qcow2, backing file = the image's base). */
  public Path overlay() {
    return dir.resolve("root.qcow2");
  }

  /** The image the sandbox boots: reference, digest, config (written at create). */
  public Path image() {
    return dir.resolve("image.json");
  }

  public Path startupLog() {
    return dir.resolve("startup.log");
  }

  public Path agentLog() {
    return dir.resolve("agent.log");
  }
}

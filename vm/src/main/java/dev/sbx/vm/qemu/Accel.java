package dev.sbx.vm.qemu;

/** How QEMU runs the guest's CPU. */
public enum Accel {
  /** Hardware virtualisation; only when a probe boot proved it runs a guest on this host. */
  KVM,
  /** Software emulation; microvm then needs {@code -icount shift=auto,sleep=on} to boot reliably. */
  TCG
}

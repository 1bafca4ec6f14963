package dev.sbx.vm.image;

import java.nio.file.Path;
import java.util.Objects;

/** A bootable guest: kernel, initramfs, and the initramfs's content hash. */
public record GuestImage(GuestKernel kernel, Path initramfs, String digest) {
  public GuestImage {
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(initramfs, "initramfs");
    Objects.requireNonNull(digest, "digest");
  }
}

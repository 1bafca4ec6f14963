package dev.sbx.schemas.model;

import java.util.Objects;

/**
 * {@code volumes[]} (v1 {@code volumes:} and {@code tmpfs:} maps).
 *
 * @param path absolute path in the VM
 * @param type null = a named volume; {@code tmpfs} = memory-backed
 * @param size byte size as written ({@code 1g}); null = default
 * @param mode octal string; null = default
 */
public record Volume(String path, String type, String size, String mode) {
  public Volume {
    Objects.requireNonNull(path, "path");
  }
}

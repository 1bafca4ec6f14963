package dev.sbx.reconciler.desired;

import java.util.Objects;

/** Where a sandbox was declared: the source id and a location in it (file:line). Not hashed. */
public record Provenance(String source, String location) {
  public Provenance {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(location, "location");
  }
}

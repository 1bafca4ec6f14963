package dev.sbx.reconciler.state;

import dev.sbx.reconciler.desired.CanonicalJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** All sandbox records of a state directory, by name: what sbx owns and last applied. */
public record Inventory(Map<String, SandboxRecord> records) {
  public Inventory {
    records = Collections.unmodifiableMap(new TreeMap<>(records));
  }

  public static Inventory empty() {
    return new Inventory(Map.of());
  }

  public Optional<SandboxRecord> get(String name) {
    return Optional.ofNullable(records.get(name));
  }

  /** A hash of ownership and applied hashes (not timestamps), part of a saved plan's fingerprint. */
  public String fingerprint() {
    List<Object> items = new ArrayList<>();
    for (SandboxRecord r : records.values()) {
      items.add(List.of(
          r.name(), r.source(), r.createdBySbx(),
          r.immutableHash().orElse(""), r.liveHash().orElse(""),
          r.applied().map(a -> a.drift().wireName()).orElse("")));
    }
    return CanonicalJson.hash(items);
  }
}

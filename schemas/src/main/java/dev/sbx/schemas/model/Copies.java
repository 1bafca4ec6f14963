package dev.sbx.schemas.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Null-tolerant immutable copies for record compact constructors: absent collections become empty. */
final class Copies {
  private Copies() {}

  static <T> List<T> list(List<T> in) {
    return in == null ? List.of() : List.copyOf(in);
  }

  /** Keeps insertion order (the order the file wrote), which {@link Map#copyOf} would lose. */
  static <K, V> Map<K, V> map(Map<K, V> in) {
    if (in == null || in.isEmpty()) {
      return Map.of();
    }
    LinkedHashMap<K, V> copy = new LinkedHashMap<>();
    in.forEach(
        (k, v) -> {
          if (k == null || v == null) {
            throw new NullPointerException("null key or value in map");
          }
          copy.put(k, v);
        });
    return Collections.unmodifiableMap(copy);
  }
}

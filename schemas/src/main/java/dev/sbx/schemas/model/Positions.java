package dev.sbx.schemas.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where each value of a loaded document came from, keyed by JSON pointer (RFC 6901) into the
 * CANONICAL layout (for kits: the schemaVersion "2" spelling, e.g. {@code
 * /permissions/network/allow/3}, {@code /environment/variables/FOO}, {@code /credentials/0}),
 * whatever spelling the file used. Maps and lists have an entry for themselves and for each
 * member; the position of a map member is where its key starts.
 */
public final class Positions {
  public static final Positions NONE = new Positions(Map.of());

  private final Map<String, Position> byPointer;

  public Positions(Map<String, Position> byPointer) {
    this.byPointer = Collections.unmodifiableMap(new LinkedHashMap<>(byPointer));
  }

  /** The exact position of this pointer, if the file wrote it. */
  public Optional<Position> at(String pointer) {
    return Optional.ofNullable(byPointer.get(pointer));
  }

  /**
   * The position of this pointer or of its nearest written ancestor (a default value has no
   * position of its own; its parent does). Falls back to the start of the file.
   */
  public Position nearest(String pointer) {
    String p = pointer;
    while (true) {
      Position found = byPointer.get(p);
      if (found != null) {
        return found;
      }
      if (p.isEmpty()) {
        return Position.START;
      }
      int slash = p.lastIndexOf('/');
      p = slash <= 0 ? "" : p.substring(0, slash);
    }
  }

  public Map<String, Position> asMap() {
    return byPointer;
  }

  /** Escapes one reference token: {@code ~} to {@code ~0}, {@code /} to {@code ~1}. */
  public static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  /** {@code parent + "/" + escape(token)}. */
  public static String child(String parent, String token) {
    return parent + "/" + escape(token);
  }

  public static String child(String parent, int index) {
    return parent + "/" + index;
  }

  @Override
  public String toString() {
    return byPointer.toString();
  }
}

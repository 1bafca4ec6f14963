package dev.sbx.reconciler.merge;

import java.util.List;
import java.util.Objects;

/**
 * One effective value and where it came from.
 *
 * @param value the value in effect
 * @param origin where the value in effect was written
 * @param overridden for last-wins fields: earlier values this one replaced, oldest first; for
 *     set members (allow, deny, proxyManaged): later declarations of the same member, which were
 *     merged into this one
 */
public record Provenanced<T>(T value, Origin origin, List<Origin> overridden) {
  public Provenanced {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(origin, "origin");
    overridden = List.copyOf(overridden);
  }

  public static <T> Provenanced<T> of(T value, Origin origin) {
    return new Provenanced<>(value, origin, List.of());
  }

  /** This value replaced by {@code next} from {@code where}: the old origin joins the overridden. */
  public <U extends T> Provenanced<T> replacedBy(U next, Origin where) {
    List<Origin> older = new java.util.ArrayList<>(overridden);
    older.add(origin);
    return new Provenanced<>(next, where, older);
  }

  /** The same value declared again at {@code where} (a set member seen twice). */
  public Provenanced<T> alsoDeclaredAt(Origin where) {
    List<Origin> more = new java.util.ArrayList<>(overridden);
    more.add(where);
    return new Provenanced<>(value, origin, more);
  }
}

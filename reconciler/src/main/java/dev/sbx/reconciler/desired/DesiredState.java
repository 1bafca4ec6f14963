package dev.sbx.reconciler.desired;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The sandboxes one source wants, sorted by name, with the source identity. {@code loadErrors} is
 * empty when every file of the source loaded; when it is not, the state is partial and the
 * reconciler never prunes from it (a file that failed to load must not look like a deletion).
 */
public record DesiredState(SourceRef source, List<DesiredSandbox> sandboxes, List<String> loadErrors) {
  public DesiredState {
    Objects.requireNonNull(source, "source");
    List<DesiredSandbox> sorted = new ArrayList<>(sandboxes);
    sorted.sort(Comparator.comparing(DesiredSandbox::name));
    var names = new HashSet<String>();
    for (DesiredSandbox s : sorted) {
      if (!names.add(s.name())) {
        throw new IllegalArgumentException("sandbox declared twice: " + s.name());
      }
    }
    sandboxes = List.copyOf(sorted);
    loadErrors = List.copyOf(loadErrors);
  }

  /** A state from a source that loaded completely. */
  public static DesiredState of(SourceRef source, List<DesiredSandbox> sandboxes) {
    return new DesiredState(source, sandboxes, List.of());
  }

  public boolean loadSucceeded() {
    return loadErrors.isEmpty();
  }

  /**
   * A hash of what is wanted: each sandbox's name, spec hash and drift mode, plus the source id. The
   * revision is left out on purpose: a new commit that changes no sandbox wants the same world.
   */
  public String fingerprint() {
    return fingerprint(source.id(), sandboxes);
  }

  /** The fingerprint of a list of sandboxes wanted by {@code sourceId} (also used for saved plans). */
  public static String fingerprint(String sourceId, List<DesiredSandbox> sandboxes) {
    List<Object> items = new ArrayList<>();
    sandboxes.stream()
        .sorted(Comparator.comparing(DesiredSandbox::name))
        .forEach(s -> items.add(Map.of("name", s.name(), "spec", s.specHash(), "drift", s.drift().wireName())));
    return CanonicalJson.hash(Map.of("source", sourceId, "sandboxes", items));
  }
}

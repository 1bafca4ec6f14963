package dev.sbx.reconciler.merge;

import dev.sbx.schemas.model.LoadedKit;
import java.util.Optional;

/**
 * Finds a kit by name, for what a stack refers to by name only: the agent ({@code --agent},
 * {@code spec.agent}), {@code extends:} parents and a kit's declared {@code mixins:}.
 */
@FunctionalInterface
public interface KitResolver {
  Optional<LoadedKit> find(String name);

  /** Nothing resolves. */
  KitResolver NONE = name -> Optional.empty();

  /** This resolver, then {@code fallback}. */
  default KitResolver orElse(KitResolver fallback) {
    return name -> {
      Optional<LoadedKit> found = find(name);
      return found.isPresent() ? found : fallback.find(name);
    };
  }
}

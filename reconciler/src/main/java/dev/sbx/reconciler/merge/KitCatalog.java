package dev.sbx.reconciler.merge;

import dev.sbx.schemas.KitLoader;
import dev.sbx.schemas.model.LoadedKit;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The kits found in a directory, by name, for what a stack names rather than lists: an agent
 * kit, an {@code extends:} parent. Loaded on first use (most stacks name only built-ins), in
 * path order; the same name in two directories resolves to the first path.
 */
public final class KitCatalog implements KitResolver {
  private final List<Path> kitDirs;
  private final KitLoader loader;
  private Map<String, LoadedKit> byName;

  public KitCatalog(List<Path> kitDirs, KitLoader loader) {
    this.kitDirs = kitDirs.stream().sorted().toList();
    this.loader = loader;
  }

  @Override
  public synchronized Optional<LoadedKit> find(String name) {
    if (byName == null) {
      Map<String, LoadedKit> m = new TreeMap<>();
      for (Path dir : kitDirs) {
        LoadedKit kit = loader.load(dir);
        m.putIfAbsent(kit.kit().name(), kit);
      }
      byName = m;
    }
    return Optional.ofNullable(byName.get(name));
  }
}

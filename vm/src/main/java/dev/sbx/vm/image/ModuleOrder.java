package dev.sbx.vm.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Orders kernel modules so each comes after what it depends on. Dependencies come from
 * {@code modules.dep} when the tree has one (an installed kernel), else from each {@code .ko}'s
 * {@code depends=} modinfo string (what depmod itself reads; the unpacked .deb has no
 * modules.dep).
 */
public final class ModuleOrder {
  private final Path modulesDir;
  private final Map<String, Path> byName = new HashMap<>();
  private final Map<String, List<String>> depends = new HashMap<>();

  public ModuleOrder(Path modulesDir) {
    this.modulesDir = modulesDir;
    index();
  }

  /** The modules to load, dependencies first, as paths relative to the modules dir. */
  public List<Path> order(List<String> wanted) {
    var result = new LinkedHashSet<String>();
    for (String name : wanted) {
      visit(normalise(name), result, new LinkedHashSet<>());
    }
    var paths = new ArrayList<Path>();
    for (String name : result) {
      paths.add(modulesDir.relativize(byName.get(name)));
    }
    return paths;
  }

  private void visit(String name, Set<String> done, Set<String> path) {
    if (done.contains(name)) {
      return;
    }
    if (!byName.containsKey(name)) {
      throw new IllegalStateException("kernel module " + name + " not found under " + modulesDir);
    }
    if (!path.add(name)) {
      throw new IllegalStateException("module dependency cycle: " + path);
    }
    for (String dep : dependencies(name)) {
      visit(dep, done, path);
    }
    path.remove(name);
    done.add(name);
  }

  private List<String> dependencies(String name) {
    return depends.computeIfAbsent(name, n -> modinfoDepends(byName.get(n)));
  }

  private void index() {
    try (Stream<Path> files = Files.walk(modulesDir)) {
      files.filter(p -> p.getFileName().toString().endsWith(".ko"))
          .forEach(p -> byName.put(normalise(p.getFileName().toString().replaceFirst("\\.ko$", "")), p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path dep = modulesDir.resolve("modules.dep");
    if (Files.isRegularFile(dep)) {
      try {
        for (String line : Files.readAllLines(dep, StandardCharsets.UTF_8)) {
          int colon = line.indexOf(':');
          if (colon < 0) {
            continue;
          }
          var deps = new ArrayList<String>();
          for (String d : line.substring(colon + 1).trim().split("\\s+")) {
            if (!d.isEmpty()) {
              deps.add(moduleName(d));
            }
          }
          depends.put(moduleName(line.substring(0, colon)), deps);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static String moduleName(String path) {
    String file = path.substring(path.lastIndexOf('/') + 1);
    return normalise(file.replaceFirst("\\.ko(\\.[a-z]+)?$", ""));
  }

  static String normalise(String name) {
    return name.replace('-', '_');
  }

  /** Reads {@code depends=a,b} from the module's NUL-separated modinfo strings. */
  static List<String> modinfoDepends(Path ko) {
    try {
      byte[] bytes = Files.readAllBytes(ko);
      byte[] key = "\0depends=".getBytes(StandardCharsets.US_ASCII);
      outer:
      for (int i = 0; i + key.length <= bytes.length; i++) {
        for (int j = 0; j < key.length; j++) {
          if (bytes[i + j] != key[j]) {
            continue outer;
          }
        }
        int start = i + key.length;
        int end = start;
        while (end < bytes.length && bytes[end] != 0) {
          end++;
        }
        String value = new String(bytes, start, end - start, StandardCharsets.US_ASCII);
        var deps = new ArrayList<String>();
        for (String d : value.split(",")) {
          if (!d.isBlank()) {
            deps.add(normalise(d.trim()));
          }
        }
        return deps;
      }
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

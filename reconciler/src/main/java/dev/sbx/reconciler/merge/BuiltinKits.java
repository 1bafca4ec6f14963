package dev.sbx.reconciler.merge;

import dev.sbx.schemas.KitLoader;
import dev.sbx.schemas.model.LoadedKit;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agents sbx ships as kits ({@code shell}, {@code claude}): resources under {@code
 * dev/sbx/reconciler/merge/builtin/NAME/spec.yaml}, loaded with the ordinary {@link KitLoader}
 * (so they obey the same schema) and named {@code builtin:NAME/spec.yaml} in messages.
 */
public final class BuiltinKits {
  /** The built-in agents, in the order help texts list them. */
  public static final List<String> NAMES = List.of("shell", "claude");

  private static final Map<String, LoadedKit> LOADED = new ConcurrentHashMap<>();

  private BuiltinKits() {}

  /** Finds built-ins by name. */
  public static KitResolver resolver() {
    return BuiltinKits::find;
  }

  public static Optional<LoadedKit> find(String name) {
    if (!NAMES.contains(name)) {
      return Optional.empty();
    }
    return Optional.of(LOADED.computeIfAbsent(name, BuiltinKits::load));
  }

  /**
   * Copies the resource to a private temporary directory (a resource inside the jar is not a
   * file) and loads it from there; the message name stays {@code builtin:NAME}.
   */
  private static LoadedKit load(String name) {
    String resource = "builtin/" + name + "/spec.yaml";
    try (InputStream in = BuiltinKits.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("built-in kit resource missing: " + resource);
      }
      Path dir = Files.createTempDirectory("sbx-builtin-" + name);
      dir.toFile().deleteOnExit();
      Path spec = dir.resolve("spec.yaml");
      Files.write(spec, in.readAllBytes());
      spec.toFile().deleteOnExit();
      return KitLoader.defaults().load(dir, "builtin:" + name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack built-in kit " + name, e);
    }
  }
}

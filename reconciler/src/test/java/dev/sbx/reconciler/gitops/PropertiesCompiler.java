package dev.sbx.reconciler.gitops;

import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.desired.DesiredState;
import dev.sbx.reconciler.desired.DriftMode;
import dev.sbx.reconciler.desired.EgressSpec;
import dev.sbx.reconciler.desired.ImmutableSpec;
import dev.sbx.reconciler.desired.LiveSpec;
import dev.sbx.reconciler.desired.Provenance;
import dev.sbx.reconciler.desired.Resources;
import dev.sbx.reconciler.desired.SourceRef;
import dev.sbx.reconciler.source.SourceSnapshot;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A test-only desired-state compiler (the real one is the daemon's): each {@code
 * sandboxes/NAME.properties} of a snapshot is one sandbox with keys {@code image}, {@code install}
 * and {@code allow}/{@code deny} (comma lists; the egress policy), {@code env.KEY}. A file that
 * does not parse ({@code broken=true}) is a load error (a partial state).
 */
public final class PropertiesCompiler implements Function<SourceSnapshot, DesiredState> {

  @Override
  public DesiredState apply(SourceSnapshot snapshot) {
    Path dir = snapshot.directory().resolve("sandboxes");
    List<DesiredSandbox> out = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".properties")).sorted().toList()) {
          Properties p = new Properties();
          try (Reader r = Files.newBufferedReader(f)) {
            p.load(r);
          }
          String name = f.getFileName().toString().replace(".properties", "");
          if (p.getProperty("invalid") != null) {
            throw new IllegalArgumentException("sandboxes/" + name + ".properties:1: invalid manifest");
          }
          if (p.getProperty("broken") != null) {
            errors.add("sandboxes/" + name + ".properties:1: does not load");
            continue;
          }
          out.add(sandbox(snapshot.sourceId(), name, p));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new DesiredState(new SourceRef(snapshot.sourceId(), snapshot.revision()), out, errors);
  }

  private static DesiredSandbox sandbox(String source, String name, Properties p) {
    Map<String, String> env = new TreeMap<>();
    p.stringPropertyNames().stream().filter(k -> k.startsWith("env."))
        .forEach(k -> env.put(k.substring(4), p.getProperty(k)));
    return new DesiredSandbox(name, "shell",
        new ImmutableSpec(p.getProperty("image", "sbx/shell:1"), "debian-cloud-6.1", list(p, "install"),
            new Resources(1, 1024), "", List.of()),
        new LiveSpec(new EgressSpec("deny-all", list(p, "allow"), list(p, "deny")), List.of(), env, List.of()),
        DriftMode.CORRECT, new Provenance(source, "sandboxes/" + name + ".properties:1"));
  }

  private static List<String> list(Properties p, String key) {
    String v = p.getProperty(key, "").trim();
    return v.isEmpty() ? List.of() : Arrays.stream(v.split(",")).map(String::trim).toList();
  }
}

package dev.sbx.vm.image.debian;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Debian mirror this host already uses, read from its apt sources: one-line
 * {@code sources.list} / {@code *.list} entries ({@code deb [opts] URI SUITE COMPONENTS}) and
 * deb822 {@code *.sources} stanzas ({@code Types:}, {@code URIs:}, {@code Suites:}). sbx never
 * names a mirror itself; a host without one must be given {@code --mirror}.
 */
public final class AptSources {
  /** One {@code deb} source: where and which suites. */
  public record Source(String uri, List<String> suites) {}

  private AptSources() {}

  /** Every {@code deb} source in {@code etcApt/sources.list} and {@code etcApt/sources.list.d}. */
  public static List<Source> read(Path etcApt) {
    var sources = new ArrayList<Source>();
    Path list = etcApt.resolve("sources.list");
    if (Files.isRegularFile(list)) {
      sources.addAll(oneLine(text(list)));
    }
    Path dir = etcApt.resolve("sources.list.d");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.sorted().toList()) {
          String name = f.getFileName().toString();
          if (name.endsWith(".list")) {
            sources.addAll(oneLine(text(f)));
          } else if (name.endsWith(".sources")) {
            sources.addAll(deb822(text(f)));
          }
        }
      } catch (IOException e) {
        // an unreadable directory has no sources
      }
    }
    return sources;
  }

  /**
   * The mirror for {@code suite}: the first source that lists that suite (or, failing that, a
   * suite of the same release such as {@code SUITE-updates}), skipping security archives.
   */
  public static Optional<String> mirrorFor(Path etcApt, String suite) {
    List<Source> all = read(etcApt).stream().filter(s -> !s.uri().contains("security")).toList();
    for (Source s : all) {
      if (s.suites().contains(suite)) {
        return Optional.of(s.uri());
      }
    }
    for (Source s : all) {
      if (s.suites().stream().anyMatch(x -> x.startsWith(suite + "-"))) {
        return Optional.of(s.uri());
      }
    }
    return Optional.empty();
  }

  static List<Source> oneLine(String text) {
    var sources = new ArrayList<Source>();
    for (String raw : text.split("\n")) {
      String line = raw.replaceFirst("#.*$", "").strip();
      if (!line.startsWith("deb ") && !line.startsWith("deb\t")) {
        continue;
      }
      String rest = line.substring(3).strip();
      if (rest.startsWith("[")) {
        int end = rest.indexOf(']');
        if (end < 0) {
          continue;
        }
        rest = rest.substring(end + 1).strip();
      }
      String[] fields = rest.split("\\s+");
      if (fields.length >= 2) {
        sources.add(new Source(fields[0], List.of(fields[1])));
      }
    }
    return sources;
  }

  static List<Source> deb822(String text) {
    var sources = new ArrayList<Source>();
    for (String stanza : text.split("\\n\\s*\\n")) {
      String types = "";
      String uris = "";
      String suites = "";
      boolean enabled = true;
      for (String raw : stanza.split("\n")) {
        if (raw.startsWith("#")) {
          continue;
        }
        int colon = raw.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String key = raw.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT);
        String value = raw.substring(colon + 1).strip();
        switch (key) {
          case "types" -> types = value;
          case "uris" -> uris = value;
          case "suites" -> suites = value;
          case "enabled" -> enabled = !value.equalsIgnoreCase("no");
          default -> { }
        }
      }
      if (enabled && List.of(types.split("\\s+")).contains("deb") && !uris.isEmpty()) {
        for (String uri : uris.split("\\s+")) {
          sources.add(new Source(uri, List.of(suites.split("\\s+"))));
        }
      }
    }
    return sources;
  }

  private static String text(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}

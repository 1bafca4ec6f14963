package dev.sbx.reconciler.merge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a manifest directory holds: the {@code *.yaml}/{@code *.yml} files with {@code
 * apiVersion: sbx/v1} documents, and the kit directories (those holding {@code spec.yaml} or
 * {@code spec.yml}, whose subtrees are not searched for manifests). Hidden directories
 * ({@code .git}) are skipped. Both lists are sorted, so discovery order never shows in output.
 */
public record ManifestDirectory(List<Path> manifestFiles, List<Path> kitDirs) {
  private static final Pattern SBX_V1 =
      Pattern.compile("(?m)^apiVersion:\\s*[\"']?sbx/v1[\"']?\\s*(#.*)?$");

  public ManifestDirectory {
    manifestFiles = manifestFiles.stream().sorted().toList();
    kitDirs = kitDirs.stream().sorted().toList();
  }

  public static ManifestDirectory scan(Path dir) {
    List<Path> manifests = new ArrayList<>();
    List<Path> kits = new ArrayList<>();
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
          if (!d.equals(dir) && d.getFileName().toString().startsWith(".")) {
            return FileVisitResult.SKIP_SUBTREE;
          }
          if (Files.isRegularFile(d.resolve("spec.yaml"))
              || Files.isRegularFile(d.resolve("spec.yml"))) {
            kits.add(d);
            return FileVisitResult.SKIP_SUBTREE;
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
          String n = f.getFileName().toString();
          if (attrs.isRegularFile() && (n.endsWith(".yaml") || n.endsWith(".yml"))
              && SBX_V1.matcher(head(f)).find()) {
            manifests.add(f);
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir, e);
    }
    return new ManifestDirectory(manifests, kits);
  }

  /**
   * The first 64 KiB, bytes outside UTF-8 replaced: enough to see {@code apiVersion}; the loader
   * reports anything wrong with a file it then reads.
   */
  private static String head(Path f) throws IOException {
    try (java.io.InputStream in = Files.newInputStream(f)) {
      return new String(in.readNBytes(64 * 1024), java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}

package dev.sbx.schemas;

import dev.sbx.schemas.model.ArtifactFile;
import dev.sbx.schemas.model.Position;
import dev.sbx.schemas.model.Positions;
import dev.sbx.schemas.model.SourceFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code files/home/**} and {@code files/workspace/**} of a kit directory. Other folders of
 * {@code files/} are ignored (as upstream). A symlink must resolve inside the kit directory; a
 * path must be relative and free of {@code ..}.
 */
final class Artifacts {
  /** All artifacts of one kit together; far above any real kit, well below memory trouble. */
  static final long MAX_TOTAL_BYTES = 256L << 20;

  private Artifacts() {}

  static List<ArtifactFile> read(Path kitRoot, String displayRoot, Map<String, String> args,
      Problems problems) {
    List<ArtifactFile> out = new ArrayList<>();
    Path realRoot;
    try {
      realRoot = kitRoot.toRealPath();
    } catch (IOException e) {
      throw new IllegalStateException("kit root vanished: " + kitRoot, e);
    }
    long[] total = {0};
    for (ArtifactFile.Target target : ArtifactFile.Target.values()) {
      Path dir = kitRoot.resolve("files").resolve(target.dirName());
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        if (Files.isSymbolicLink(dir)) {
          problems.error("", "files/" + target.dirName() + " is a symlink",
              "make it a real directory inside the kit");
        }
        continue;
      }
      try {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            String rel = dir.relativize(file).toString().replace('\\', '/');
            String shown = displayRoot + "/files/" + target.dirName() + "/" + rel;
            if (!validRelative(rel)) {
              problems.errorIn(new SourceFile(file, shown), "artifact path '" + rel
                  + "' is absolute or leaves its folder", "use a plain relative path");
              return FileVisitResult.CONTINUE;
            }
            Path source = file;
            if (attrs.isSymbolicLink()) {
              Path lexical = file.toAbsolutePath().getParent().resolve(Files.readSymbolicLink(file))
                  .normalize();
              if (!lexical.startsWith(kitRoot.toAbsolutePath().normalize())
                  && !lexical.startsWith(realRoot)) {
                problems.errorIn(new SourceFile(file, shown), "symlink that escapes the kit"
                    + " directory (to " + lexical + ")", "copy the file into the kit instead");
                return FileVisitResult.CONTINUE;
              }
              Path resolved;
              try {
                resolved = file.toRealPath();
              } catch (IOException e) {
                problems.errorIn(new SourceFile(file, shown), "dangling symlink",
                    "remove it or point it at a file inside the kit");
                return FileVisitResult.CONTINUE;
              }
              if (!resolved.startsWith(realRoot)) {
                problems.errorIn(new SourceFile(file, shown), "symlink that escapes the kit"
                    + " directory (to " + resolved + ")", "copy the file into the kit instead");
                return FileVisitResult.CONTINUE;
              }
              if (!Files.isRegularFile(resolved)) {
                return FileVisitResult.CONTINUE;
              }
              source = resolved;
            } else if (!attrs.isRegularFile()) {
              return FileVisitResult.CONTINUE;
            }
            byte[] content = Files.readAllBytes(source);
            total[0] += content.length;
            if (total[0] > MAX_TOTAL_BYTES) {
              problems.error(Position.START, "", "files/ holds more than " + MAX_TOTAL_BYTES
                  + " bytes", "kits carry small config files; fetch big things at install time");
              return FileVisitResult.TERMINATE;
            }
            content = substitute(content, args, new SourceFile(file, shown), problems);
            out.add(new ArtifactFile(target, rel, mode(source), content, sha256(content)));
            return FileVisitResult.CONTINUE;
          }
        });
      } catch (IOException e) {
        problems.error("", "cannot read files/" + target.dirName() + ": " + e.getMessage(), null);
      }
    }
    out.sort((a, b) -> a.key().compareTo(b.key()));
    return out;
  }

  static boolean validRelative(String rel) {
    if (rel.isEmpty() || rel.startsWith("/") || rel.startsWith("\\") || rel.matches("^[A-Za-z]:.*")) {
      return false;
    }
    for (String segment : rel.split("[/\\\\]")) {
      if (segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /** {@code ${{ kit.args.NAME }}} in text files; binary files are left alone. */
  private static byte[] substitute(byte[] content, Map<String, String> args, SourceFile file,
      Problems problems) {
    if (YamlReader.firstInvalidUtf8(content) >= 0) {
      return content;
    }
    String text = new String(content, StandardCharsets.UTF_8);
    if (!text.contains("${{")) {
      return content;
    }
    String[] lines = text.split("\n", -1);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.contains("${{")) {
        Position at = new Position(i + 1, line.indexOf("${{") + 1);
        Problems local = new Problems(file, new Positions(Map.of("", at)));
        line = ArgSubstitution.substituteText(line, args, local, "");
        problems.addAll(local);
      }
      out.append(line);
      if (i < lines.length - 1) {
        out.append('\n');
      }
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static int mode(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      int mode = 0;
      for (PosixFilePermission p : perms) {
        mode |= 1 << (8 - p.ordinal());
      }
      return mode == 0 ? 0644 : mode;
    } catch (UnsupportedOperationException | IOException e) {
      return 0644;
    }
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

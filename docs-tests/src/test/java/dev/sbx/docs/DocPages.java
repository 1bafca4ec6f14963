package dev.sbx.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Extracts the runnable commands of the docs, following the convention in {@code docs/README.md}:
 * a fenced block whose info string is {@code console} holds commands (lines starting {@code $ },
 * continued by a trailing backslash) each followed by the output it prints; {@code console vm}
 * marks a block that needs a microVM. {@code # exit N} at the end of a command is its expected exit
 * code. In shown output, a line {@code ...} stands for any number of lines and {@code ...} inside
 * a line for any text.
 */
final class DocPages {
  static final Pattern EXIT_TRAILER = Pattern.compile("\\s+#\\s*exit\\s+(\\d+)\\s*$");
  private static final Pattern FENCE = Pattern.compile("^(```+|~~~+)\\s*([^\\s`]*)(.*)$");

  private DocPages() {}

  /** The markdown files whose commands are run: {@code docs/**.md} and {@code examples/**.md}. */
  static List<Path> pages(Path root) {
    List<Path> pages = new ArrayList<>();
    for (String dir : List.of("docs", "examples")) {
      try (Stream<Path> s = Files.walk(root.resolve(dir))) {
        s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return pages;
  }

  /** A fenced block: its info string (language + rest), first line number and body lines. */
  record Block(Path file, int line, String language, String info, List<String> body) {}

  static List<Block> blocks(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      var m = FENCE.matcher(lines.get(i).stripLeading());
      if (!m.matches()) {
        continue;
      }
      String fence = m.group(1);
      int start = i + 1;
      List<String> body = new ArrayList<>();
      i++;
      while (i < lines.size() && !lines.get(i).strip().startsWith(fence)) {
        body.add(lines.get(i));
        i++;
      }
      blocks.add(new Block(file, start, m.group(2), m.group(3).strip(), body));
    }
    return blocks;
  }

  /** The commands of every {@code console} block of a page, in page order. */
  static List<DocCommand> commands(Path file) {
    List<DocCommand> out = new ArrayList<>();
    for (Block b : blocks(file)) {
      if (!b.language().equals("console")) {
        continue;
      }
      boolean vm = List.of(b.info().split("\\s+")).contains("vm");
      List<String> body = b.body();
      for (int i = 0; i < body.size(); i++) {
        String l = body.get(i);
        if (!l.startsWith("$ ")) {
          if (!l.isBlank()) {
            throw new IllegalStateException(file + ":" + (b.line() + i + 1)
                + ": a console block must start with a '$ ' command (see docs/README.md)");
          }
          continue;
        }
        int line = b.line() + i + 1;
        StringBuilder cmd = new StringBuilder(l.substring(2));
        while (cmd.toString().endsWith("\\") && i + 1 < body.size()) {
          cmd.setLength(cmd.length() - 1);
          i++;
          cmd.append(body.get(i).replaceFirst("^> ", ""));
        }
        List<String> output = new ArrayList<>();
        while (i + 1 < body.size() && !body.get(i + 1).startsWith("$ ")) {
          i++;
          output.add(body.get(i));
        }
        while (!output.isEmpty() && output.get(output.size() - 1).isBlank()) {
          output.remove(output.size() - 1);
        }
        String text = cmd.toString();
        int exit = DocCommand.exitTrailer(text).orElse(0);
        text = EXIT_TRAILER.matcher(text).replaceFirst("");
        out.add(new DocCommand(file, line, text, exit, output, vm));
      }
    }
    return out;
  }

  /**
   * Whether {@code actual} matches the shown output: trailing spaces and trailing blank lines are
   * ignored; a line {@code ...} matches any number of lines; {@code ...} in a line matches any text.
   */
  static boolean matches(List<String> expected, String actual) {
    StringBuilder re = new StringBuilder();
    for (String e : expected) {
      String line = e.stripTrailing();
      if (line.strip().equals("...")) {
        re.append("(?:[^\\n]*\\n)*?");
        continue;
      }
      String[] parts = line.split("\\.\\.\\.", -1);
      for (int p = 0; p < parts.length; p++) {
        if (p > 0) {
          re.append("[^\\n]*?");
        }
        re.append(Pattern.quote(parts[p]));
      }
      re.append("\\n");
    }
    return Pattern.compile(re.toString()).matcher(normalise(actual)).matches();
  }

  static String normalise(String text) {
    StringBuilder sb = new StringBuilder();
    for (String l : text.replace("\r\n", "\n").split("\n", -1)) {
      sb.append(l.stripTrailing()).append('\n');
    }
    String s = sb.toString();
    while (s.endsWith("\n\n")) {
      s = s.substring(0, s.length() - 1);
    }
    return s.equals("\n") ? "" : s;
  }
}

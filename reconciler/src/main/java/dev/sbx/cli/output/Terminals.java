package dev.sbx.cli.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether sbx's standard streams are terminals. Java 17 has no isatty: {@code System.console()} is
 * null as soon as stdin OR stdout is redirected, which is wrong for {@code sbx ls < /dev/null}. On
 * Linux {@code /proc/self/fd/N} links to {@code /dev/pts/*} or {@code /dev/tty*} exactly when fd N
 * is a terminal; elsewhere we fall back to {@code System.console()}.
 */
public final class Terminals {
  private Terminals() {}

  public static boolean stdoutIsTerminal() {
    return isTerminal(1);
  }

  public static boolean stderrIsTerminal() {
    return isTerminal(2);
  }

  public static boolean stdinIsTerminal() {
    return isTerminal(0);
  }

  static boolean isTerminal(int fd) {
    Path link = Path.of("/proc/self/fd/" + fd);
    if (Files.isDirectory(Path.of("/proc/self/fd"))) {
      try {
        String target = Files.readSymbolicLink(link).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
      } catch (IOException | UnsupportedOperationException e) {
        return false;
      }
    }
    return System.console() != null;
  }
}

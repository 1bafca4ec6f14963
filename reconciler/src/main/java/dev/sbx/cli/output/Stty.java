package dev.sbx.cli.output;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code stty} on the controlling terminal ({@code /dev/tty}): the one way sbx reads the terminal's
 * size and switches raw mode on and off (POSIX everywhere, no JLine). Used by the dashboard and by
 * attached sessions ({@code sbx exec -t}, {@code sbx run}).
 */
public final class Stty {
  public static final File TTY = new File("/dev/tty");

  private Stty() {}

  /** Runs {@code stty ARGS} on the controlling terminal and returns what it prints. */
  public static String run(String... args) throws IOException {
    String stty = Files.isExecutable(Path.of("/bin/stty")) ? "/bin/stty" : "stty";
    String[] command = new String[args.length + 1];
    command[0] = stty;
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(TTY))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("stty " + String.join(" ", args) + " did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for stty", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException("stty " + String.join(" ", args) + " failed (exit " + p.exitValue() + "): no terminal?");
    }
    return output;
  }
}

package dev.sbx.docs;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One {@code $ command} line of a {@code console} block in a docs page: the command as bash
 * gets it, the exit code it must end with ({@code # exit N} trailer, default 0), the output the
 * page shows below it (empty = not checked), and whether it needs a VM.
 */
record DocCommand(Path file, int line, String command, int expectedExit, List<String> expectedOutput, boolean vm) {
  DocCommand {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(command, "command");
    expectedOutput = List.copyOf(expectedOutput);
  }

  String where() {
    return file.getFileName() + ":" + line;
  }

  static OptionalInt exitTrailer(String text) {
    java.util.regex.Matcher m = DocPages.EXIT_TRAILER.matcher(text);
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }
}

package dev.sbx.docs;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast tier of "every command in the docs runs as shown": every {@code console} block (not
 * {@code console vm}) of every page under {@code docs/} and {@code examples/}, command by command
 * in page order, against one fresh state directory per page. Runs with {@code
 * SBX_ACTUATORS=memory}, so {@code sbx plan/diff/apply} use an in-memory world in the CLI process
 * instead of starting a daemon (their output is the same as against a daemon with nothing
 * running). Pages with VM commands run whole in {@link DocCommandsVmIT}.
 */
class DocCommandsTest {
  static final long TIMEOUT_SECONDS = 120;

  @TempDir
  Path scratch;

  @TestFactory
  Stream<DynamicTest> everyFastCommandRunsAsShown() {
    Path repo = RepoRoot.find();
    List<DynamicTest> tests = new ArrayList<>();
    for (Path page : DocPages.pages(repo)) {
      List<DocCommand> commands = DocPages.commands(page).stream().filter(c -> !c.vm()).toList();
      if (commands.isEmpty()) {
        continue;
      }
      String name = repo.relativize(page).toString();
      tests.add(DynamicTest.dynamicTest(name + " (" + commands.size() + " commands)", () -> {
        Path dir = Files.createDirectories(scratch.resolve(name.replace('/', '_')));
        DocRunner runner = DocRunner.prepare(repo, dir, Map.of("SBX_ACTUATORS", "memory"));
        for (DocCommand c : commands) {
          runner.check(c, TIMEOUT_SECONDS);
        }
      }));
    }
    assertFalse(tests.isEmpty(), "no console blocks found in docs/ or examples/");
    return tests.stream();
  }

  static boolean hasVmCommands(Path page) {
    return DocPages.commands(page).stream().anyMatch(DocCommand::vm);
  }

  static String read(Path p) throws IOException {
    return Files.readString(p);
  }
}

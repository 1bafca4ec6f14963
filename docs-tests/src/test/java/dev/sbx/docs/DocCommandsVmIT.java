package dev.sbx.docs;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * The VM tier of "every command in the docs runs as shown": each page with a {@code console vm}
 * block runs whole, every command in page order, against the real daemon (egress proxy + QEMU) in
 * a fresh state directory. Afterwards the daemon is stopped and anything the page left running
 * (found by the scratch directory in its command line) is ended, so a failing page leaks no VM.
 * The scratch directory is kept under {@code target/vm-it/} when a page fails.
 */
@Tag("vm")
class DocCommandsVmIT {
  static final long TIMEOUT_SECONDS = 600;

  @TestFactory
  Stream<DynamicTest> everyPageWithVmCommandsRunsAsShown() throws Exception {
    Path repo = RepoRoot.find();
    List<DynamicTest> tests = new ArrayList<>();
    for (Path page : DocPages.pages(repo)) {
      List<DocCommand> commands = DocPages.commands(page);
      if (commands.stream().noneMatch(DocCommand::vm)) {
        continue;
      }
      String name = repo.relativize(page).toString();
      tests.add(DynamicTest.dynamicTest(name + " (" + commands.size() + " commands)", () -> {
        VmHost.requireVm();
        Path scratch = Files.createDirectories(Path.of("target", "vm-it").toAbsolutePath()
            .resolve("doc-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36)));
        DocRunner runner = DocRunner.prepare(repo, scratch, Map.of());
        boolean passed = false;
        try {
          for (DocCommand c : commands) {
            runner.check(c, TIMEOUT_SECONDS);
          }
          passed = true;
        } finally {
          boolean vmLeft = VmHost.qemuRunningFor(runner.stateDir());
          runner.run("sbx daemon --stop", 60);
          VmHost.killLeftovers(scratch);
          if (passed) {
            DocRunner.deleteTree(scratch);
            assertFalse(vmLeft, name + " left a VM running: a page that starts one must remove it");
          }
        }
      }));
    }
    assertFalse(tests.isEmpty(), "no console vm blocks in docs/ (getting-started.md has them)");
    return tests.stream();
  }
}

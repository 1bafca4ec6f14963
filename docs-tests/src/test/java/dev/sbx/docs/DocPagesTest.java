package dev.sbx.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docs convention itself: extraction, exit trailers, output wildcards, and that no page hides commands. */
class DocPagesTest {
  @TempDir
  Path dir;

  @Test
  void extractsCommandsOutputsExitCodesAndTiers() throws IOException {
    Path page = dir.resolve("p.md");
    Files.writeString(page, String.join("\n",
        "# t", "", "```console", "$ sbx kit validate a \\", "> b  # exit 2", "FAIL a", "...", "",
        "$ echo hi", "```", "", "```console vm", "$ sbx exec x -- id -u", "1000", "```", "",
        "```sh", "$ not run", "```", ""));
    List<DocCommand> c = DocPages.commands(page);
    assertEquals(3, c.size());
    assertEquals("sbx kit validate a b", c.get(0).command());
    assertEquals(2, c.get(0).expectedExit());
    assertEquals(List.of("FAIL a", "..."), c.get(0).expectedOutput());
    assertEquals(4, c.get(0).line());
    assertEquals(0, c.get(1).expectedExit());
    assertTrue(c.get(1).expectedOutput().isEmpty());
    assertFalse(c.get(1).vm());
    assertTrue(c.get(2).vm());
    assertEquals(List.of("1000"), c.get(2).expectedOutput());
  }

  @Test
  void wildcardsMatchLinesAndText() {
    assertTrue(DocPages.matches(List.of("a", "...", "z"), "a\nb\nc\nz\n"));
    assertTrue(DocPages.matches(List.of("a", "...", "z"), "a\nz"));
    assertTrue(DocPages.matches(List.of("Source dir:... at sha256:..."), "Source dir:/tmp/x at sha256:ab\n\n"));
    assertFalse(DocPages.matches(List.of("a", "z"), "a\nb\nz\n"));
    assertFalse(DocPages.matches(List.of("exit 0"), "exit 1\n"));
    assertTrue(DocPages.matches(List.of("x  "), "x\n"), "trailing spaces do not count");
  }

  /**
   * A command shown outside a {@code console} block would escape the test: in docs/ a block that
   * is not {@code console} may not contain {@code $ } lines, and shell blocks ({@code sh},
   * {@code bash}, {@code shell}) are not used for sbx commands ({@code text} is for synopses).
   * benchmarks.md is exempt: its commands are the benchmark harness runs, minutes long each.
   */
  @Test
  void noCommandsOutsideConsoleBlocks() {
    Path repo = RepoRoot.find();
    List<String> problems = new ArrayList<>();
    for (Path page : DocPages.pages(repo)) {
      if (page.getFileName().toString().equals("benchmarks.md") || !page.startsWith(repo.resolve("docs"))) {
        continue;
      }
      for (DocPages.Block b : DocPages.blocks(page)) {
        if (b.language().equals("console")) {
          continue;
        }
        boolean shell = List.of("sh", "bash", "shell", "zsh").contains(b.language());
        for (String l : b.body()) {
          if (l.startsWith("$ ") || (shell && l.matches("^\\s*(\\./)?sbx\\s.*"))) {
            problems.add(repo.relativize(page) + ":" + b.line() + ": ```" + b.language()
                + " block with a command; use ```console (run by the tests) or ```text (a synopsis)");
            break;
          }
        }
      }
    }
    assertEquals(List.of(), problems);
  }
}

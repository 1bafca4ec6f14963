package dev.sbx.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sbx.cli.Sbx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/cli.md} is generated from the commands; this fails when it is stale. With
 * {@code -Dsbx.cli-docs.write=true} (what {@code scripts/gen-cli-docs.sh} passes) it rewrites the
 * page instead.
 */
class CliReferenceTest {
  private final Path page = RepoRoot.find().resolve("docs/cli.md");

  @Test
  void committedPageMatchesTheCommands() throws IOException {
    String generated = CliReference.render();
    if (Boolean.getBoolean("sbx.cli-docs.write")) {
      Files.writeString(page, generated, StandardCharsets.UTF_8);
      return;
    }
    String committed = Files.exists(page) ? Files.readString(page, StandardCharsets.UTF_8) : "";
    if (!committed.equals(generated)) {
      fail("docs/cli.md is stale (it differs from what the commands print with --help): run "
          + CliReference.REGENERATE + " and commit docs/cli.md. First difference: " + firstDifference(committed, generated));
    }
  }

  @Test
  void everyCommandHasASectionAndTheOutputIsReproducible() {
    String once = CliReference.render();
    assertEquals(once, CliReference.render(), "two renders differ");
    // keys include aliases (sbx top = sbx dashboard): one section per command, under its name
    Sbx.newCommandLine().getSubcommands().values().stream().distinct()
        .filter(cl -> !(cl.getCommand() instanceof picocli.CommandLine.HelpCommand))
        .filter(cl -> !cl.getCommandSpec().usageMessage().hidden())
        .forEach(cl -> assertTrue(once.contains("\n## " + CliReference.qualifiedName(cl) + "\n"),
            "no section for " + CliReference.qualifiedName(cl)));
    assertTrue(once.contains("\n## sbx kit validate\n"), "nested commands are listed");
    assertFalse(once.contains(System.getProperty("user.dir")), "the page must not carry this machine's paths");
    assertFalse(once.contains("\u001b["), "no ANSI escapes");
  }

  @Test
  void anchorsFollowGithubHeadingRules() {
    assertEquals("sbx-kit-validate", CliReference.anchor("sbx kit validate"));
    assertEquals("sbx-egress-ca", CliReference.anchor("sbx egress ca"));
  }

  private static String firstDifference(String a, String b) {
    String[] x = a.split("\n", -1);
    String[] y = b.split("\n", -1);
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      String l = i < x.length ? x[i] : "<end of file>";
      String r = i < y.length ? y[i] : "<end of file>";
      if (!l.equals(r)) {
        return "line " + (i + 1) + ": committed \"" + l + "\", generated \"" + r + "\"";
      }
    }
    return "none";
  }
}

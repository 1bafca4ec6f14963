package dev.sbx.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.cli.Sbx;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/**
 * Every example loads through the real loaders and merge engine: each kit directory under
 * {@code examples/} passes {@code sbx kit validate}, and each directory holding {@code sbx/v1}
 * manifests passes {@code sbx render -f DIR} and {@code sbx render -f DIR --explain} (schemas,
 * policy names, kit stacks, relative paths). Run in-process through {@link Sbx#newCommandLine()}.
 */
class ExamplesTest {
  private final Path examples = RepoRoot.find().resolve("examples");

  record Run(int exit, String out, String err) {}

  static Run sbx(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Sbx.newCommandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @TestFactory
  Stream<DynamicTest> everyKitValidates() throws IOException {
    List<Path> kits;
    try (Stream<Path> s = Files.walk(examples)) {
      kits = s.filter(p -> p.getFileName().toString().equals("spec.yaml")).map(Path::getParent).sorted().toList();
    }
    assertTrue(kits.size() >= 5, "expected the example kits, found " + kits);
    return kits.stream().map(k -> DynamicTest.dynamicTest(examples.relativize(k).toString(), () -> {
      Run r = sbx("kit", "validate", k.toString());
      assertEquals(0, r.exit(), r.out() + r.err());
      String warnings = r.err().lines().filter(l -> l.contains("warning:"))
          .filter(l -> !l.contains("schemaVersion \"1\" is deprecated")).reduce("", (a, b) -> a + b + "\n");
      assertEquals("", warnings, "example kits load without warnings (but the v1 format's own)");
    }));
  }

  @TestFactory
  Stream<DynamicTest> everyManifestDirectoryRenders() throws IOException {
    List<Path> dirs = manifestDirectories();
    assertTrue(dirs.size() >= 2, "expected the quickstart and the GitOps repository, found " + dirs);
    return dirs.stream().map(d -> DynamicTest.dynamicTest(examples.relativize(d).toString(), () -> {
      Run plain = sbx("render", "-f", d.toString());
      assertEquals(0, plain.exit(), plain.out() + plain.err());
      assertTrue(plain.out().contains("kind: Sandbox"), plain.out());
      Run explain = sbx("render", "-f", d.toString(), "--explain");
      assertEquals(0, explain.exit(), explain.out() + explain.err());
    }));
  }

  @Test
  void theGitopsRepositoryHasTwoSandboxesTwoPoliciesAndAnAgentKit() throws IOException {
    Path gitops = examples.resolve("gitops");
    Run r = sbx("render", "-f", gitops.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertEquals(2, r.out().split("\nkind: Sandbox\n", -1).length - 1, "two Sandboxes:\n" + r.out());
    assertTrue(r.out().contains("name: api-dev") && r.out().contains("name: docs-bot"), r.out());
    assertTrue(r.out().contains("policy: team-default") && r.out().contains("policy: docs-readonly"), r.out());
    assertTrue(r.out().contains("kind: sandbox\n    name: shell-agent"), "api-dev stacks on the example agent kit");
    assertTrue(Files.readString(gitops.resolve("policies/team-default.yaml"), StandardCharsets.UTF_8)
        .contains("kind: NetworkPolicy"));
  }

  /** The directories under examples/ that are GitOps sources: those holding Sandbox manifests at any depth. */
  private List<Path> manifestDirectories() throws IOException {
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> top = Files.list(examples)) {
      for (Path d : top.filter(Files::isDirectory).sorted().toList()) {
        try (Stream<Path> files = Files.walk(d)) {
          if (files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
              .anyMatch(f -> contains(f, "apiVersion: sbx/v1") && contains(f, "kind: Sandbox"))) {
            dirs.add(d);
          }
        }
      }
    }
    return dirs;
  }

  private static boolean contains(Path f, String text) {
    try {
      return Files.readString(f, StandardCharsets.UTF_8).contains(text);
    } catch (IOException e) {
      return false;
    }
  }
}

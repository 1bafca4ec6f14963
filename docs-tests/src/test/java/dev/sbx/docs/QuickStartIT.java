package dev.sbx.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The README's quick start, from a fresh clone, exactly as written.
 *
 * <p>The repository containing this test is cloned with JGit at its committed {@code HEAD} (a
 * linked worktree is followed to its common git directory), so what is tested is what is
 * committed: an uncommitted file the quick start needs fails here. The two commands are read from
 * the README's "Quick start" section (never copied into this test) and each runs with {@code bash
 * -c} in the clone, unchanged:
 *
 * <ol>
 *   <li>{@code scripts/prepare-host.sh && ./sbx apply -f examples/quickstart}: installs nothing on
 *       a prepared host, builds the CLI in the clone ({@code ./sbx} runs {@code ./mvnw package}),
 *       starts the daemon and boots the sandbox. Afterwards the test checks, through {@code ./sbx
 *       exec} in the clone, that the sandbox runs as uid 1000 and that its egress policy is the
 *       one enforced: the README's own {@code wget http://example.com/} fails; the raw answer of
 *       the proxy to a request for {@code example.com} (not allowed) is the 403 with Docker's
 *       {@code Blocked by network policy} body, {@code api.github.com} on port 80 is refused too
 *       (the policy allows only its port 443), and a name under the allowed {@code *.crates.io}
 *       that exists nowhere gets past the policy (the proxy tries to resolve it and answers 502,
 *       not 403), which the proxy's decision log confirms: rule {@code *.crates.io}, decision
 *       {@code error} (passed by the rules, failed upstream), not {@code deny}. No request leaves the host: the only upstream attempt is a DNS
 *       lookup of a name that does not exist.
 *   <li>{@code ./mvnw -B verify}: the whole build and test suite of the clone. Running it exactly
 *       as written inside this suite needs two things from the environment, never from the
 *       command: {@code MAVEN_ARGS} (read by Maven 3.9) adds {@code -o}, so the nested build
 *       resolves everything from the local repository this build already filled, and
 *       {@code -Dsbx.test.excludedGroups=vm}, so the nested run leaves out the VM tier: this test
 *       is itself tagged {@code vm}, so it runs only in a build that runs the VM tier, which
 *       already ran every VM test on the same sources; repeating them nested would double the
 *       slowest part of the suite and would recurse into this very test. {@code
 *       SBX_QUICKSTART_NESTED=1} is a second guard against that recursion. Everything else (all
 *       modules, unit and integration tests, the docs tests, the CLI reference check) runs, with
 *       sbx locations of its own ({@code XDG_STATE_HOME}, {@code XDG_CONFIG_HOME} in the scratch
 *       directory, no {@code SBX_STATE_DIR}): the CLI tests talk to a daemon when one answers for
 *       their state directory, and must not find the quick start's.
 * </ol>
 *
 * <p>Both use the machine's {@code ~/.m2} (no install: nothing is written there but what Maven
 * downloads) and a state directory of their own ({@code SBX_STATE_DIR}). At the end {@code ./sbx
 * rm quickstart} and {@code ./sbx daemon --stop} run, and any process left with the scratch
 * directory in its command line (daemon, QEMU, virtiofsd) is ended by id. The scratch directory,
 * {@code target/vm-it/qs-*}, is deleted on success and kept on failure.
 */
@Tag("vm")
@Tag("quickstart")
class QuickStartIT {
  private static final long PREPARE_AND_APPLY_TIMEOUT_S = 20 * 60;
  private static final long VERIFY_TIMEOUT_S = 30 * 60;

  @Test
  void readmeQuickStartFromAFreshClone() throws Exception {
    Assumptions.assumeFalse("1".equals(System.getenv("SBX_QUICKSTART_NESTED")),
        "nested inside the quick-start test's own ./mvnw -B verify");
    VmHost.requireVm();
    Path repo = RepoRoot.find();
    List<String> commands = quickStartCommands(Files.readString(repo.resolve("README.md"), StandardCharsets.UTF_8));
    assertEquals(2, commands.size(), "the README's quick start has two commands: " + commands);

    Path scratch = Files.createDirectories(Path.of("target", "vm-it").toAbsolutePath()
        .resolve("qs-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36)));
    Path clone = scratch.resolve("sbx");
    Path state = scratch.resolve("state");
    boolean passed = false;
    try {
      ObjectId head = cloneCommittedHead(repo, clone);
      linkCorpus(repo, scratch);
      Map<String, String> env = environment(state);

      Run prepareAndApply = run(clone, commands.get(0), env, PREPARE_AND_APPLY_TIMEOUT_S);
      assertEquals(0, prepareAndApply.exit, "first quick-start command at " + head.name() + ": " + commands.get(0)
          + "\n" + prepareAndApply.output);
      assertTrue(prepareAndApply.output.contains("Apply complete"), prepareAndApply.output);
      assertTrue(VmHost.qemuRunningFor(state), "the quick start leaves the sandbox's VM running");

      checkEgressPolicyIsEnforced(clone, env, state);

      // The nested build gets sbx locations of its own: inheriting SBX_STATE_DIR would point its
      // tests at the quick start's running daemon (CLI tests use a daemon when one answers).
      Map<String, String> nested = new HashMap<>(env);
      nested.remove("SBX_STATE_DIR");
      nested.put("XDG_STATE_HOME", Files.createDirectories(scratch.resolve("nested/state")).toString());
      nested.put("XDG_CONFIG_HOME", Files.createDirectories(scratch.resolve("nested/config")).toString());
      nested.put("MAVEN_ARGS", "-o -Dsbx.test.excludedGroups=vm");
      nested.put("SBX_QUICKSTART_NESTED", "1");
      Run verify = run(clone, commands.get(1), nested, VERIFY_TIMEOUT_S);
      assertEquals(0, verify.exit, "second quick-start command: " + commands.get(1) + "\n" + tail(verify.output, 120));
      assertTrue(verify.output.contains("BUILD SUCCESS"), tail(verify.output, 60));
      passed = true;
    } finally {
      Map<String, String> env = environment(state);
      if (Files.exists(clone.resolve("reconciler/target/sbx.jar"))) {
        run(clone, "./sbx rm quickstart", env, 120);
        run(clone, "./sbx daemon --stop", env, 60);
      }
      VmHost.killLeftovers(scratch);
      assertFalse(VmHost.qemuRunningFor(state), "no VM left after the test");
      if (passed) {
        DocRunner.deleteTree(scratch);
      }
    }
  }

  /** The commands of the first fenced block of the README's "Quick start" section, one per line. */
  static List<String> quickStartCommands(String readme) {
    int section = readme.indexOf("\n## Quick start");
    assertTrue(section >= 0, "README.md has no '## Quick start' section");
    int next = readme.indexOf("\n## ", section + 1);
    String body = readme.substring(section, next < 0 ? readme.length() : next);
    int open = body.indexOf("```");
    assertTrue(open >= 0, "no code block in the quick start");
    int start = body.indexOf('\n', open) + 1;
    int end = body.indexOf("\n```", start);
    List<String> commands = new ArrayList<>();
    for (String line : body.substring(start, end + 1).split("\n")) {
      if (!line.isBlank()) {
        commands.add(line.strip());
      }
    }
    return commands;
  }

  private void checkEgressPolicyIsEnforced(Path clone, Map<String, String> env, Path state) throws IOException {
    Run id = run(clone, "./sbx exec quickstart -- id -u", env, 120);
    assertEquals(0, id.exit, id.output);
    assertEquals("1000", id.output.strip(), "commands run as the agent user");

    Run wget = run(clone, "./sbx exec quickstart -- wget -qO- http://example.com/", env, 120);
    assertNotEquals(0, wget.exit, "example.com is not on the quick start's allowlist:\n" + wget.output);
    assertTrue(wget.output.contains("403"), wget.output);

    String denied = rawProxyAnswer(clone, env, "example.com", 80, 3);
    assertTrue(denied.startsWith("HTTP/1.1 403 Forbidden"), denied);
    assertTrue(denied.contains("Blocked by network policy: domain example.com:80"), denied);
    assertTrue(denied.contains("detail: no matching allow rule - blocked by default deny policy"), denied);

    String wrongPort = rawProxyAnswer(clone, env, "api.github.com", 80, 3);
    assertTrue(wrongPort.startsWith("HTTP/1.1 403 Forbidden"), "api.github.com is allowed on :443 only\n" + wrongPort);

    String name = "sbx-quickstart-" + UUID.randomUUID().toString().substring(0, 8) + ".crates.io";
    String allowed = rawProxyAnswer(clone, env, name, 80, 15);
    assertTrue(allowed.startsWith("HTTP/1.1 "), "the proxy answered\n" + allowed);
    assertFalse(allowed.startsWith("HTTP/1.1 403"), name + " is allowed by *.crates.io\n" + allowed);
    assertFalse(allowed.contains("Blocked by network policy"), allowed);

    String decisions = Files.readString(state.resolve("egress-decisions.jsonl"), StandardCharsets.UTF_8);
    // "error": the rules let it through (rule *.crates.io), then the upstream failed (no such name)
    assertTrue(decisions.lines().anyMatch(l -> l.contains("\"host\":\"" + name + "\"")
        && l.contains("\"rule\":\"*.crates.io\"") && !l.contains("\"decision\":\"deny\"")),
        "decision log records the request as passed by rule *.crates.io:\n" + decisions);
    assertTrue(decisions.lines().anyMatch(l -> l.contains("\"example.com\"") && l.contains("\"deny\"")),
        "decision log records the deny:\n" + decisions);
  }

  /**
   * What the proxy answers to one plain HTTP request sent from inside the VM to its proxy port
   * (the guest's only way out). stdin stays open {@code holdSeconds}: the proxy takes a client's
   * half-close as the end of the exchange.
   */
  private String rawProxyAnswer(Path clone, Map<String, String> env, String host, int port, int holdSeconds) {
    String request = "GET http://" + host + ":" + port + "/ HTTP/1.1\\r\\nHost: " + host + ":" + port
        + "\\r\\nConnection: close\\r\\n\\r\\n";
    String cmd = "./sbx exec quickstart -- sh -c \"(printf '" + request + "'; sleep " + holdSeconds
        + ") | nc -w 20 127.0.0.1 3128\"";
    return run(clone, cmd, env, 120).output;
  }

  private static ObjectId cloneCommittedHead(Path repo, Path cloneDir) throws Exception {
    Path gitDir = gitDir(repo);
    Path common = Files.isRegularFile(gitDir.resolve("commondir"))
        ? gitDir.resolve(Files.readString(gitDir.resolve("commondir")).strip()).normalize() : gitDir;
    String head = Files.readString(gitDir.resolve("HEAD")).strip();
    String branch = head.startsWith("ref: ") ? head.substring(5).strip() : null;
    ObjectId commit;
    try (Repository r = new FileRepositoryBuilder().setGitDir(common.toFile()).setMustExist(true).build()) {
      commit = branch != null ? r.exactRef(branch).getObjectId() : ObjectId.fromString(head);
    }
    var clone = Git.cloneRepository().setURI(common.toUri().toString()).setDirectory(cloneDir.toFile());
    try (Git git = branch != null ? clone.setBranch(branch).call() : clone.call()) {
      if (branch == null) {
        git.checkout().setName(commit.name()).call();
      }
      assertEquals(commit, git.getRepository().resolve("HEAD"), "the clone is at the committed HEAD");
    }
    return commit;
  }

  private static Path gitDir(Path repo) throws IOException {
    Path dotGit = repo.resolve(".git");
    if (Files.isDirectory(dotGit)) {
      return dotGit;
    }
    String text = Files.readString(dotGit).strip();
    assertTrue(text.startsWith("gitdir:"), dotGit + " is neither a directory nor a gitdir link");
    return repo.resolve(text.substring("gitdir:".length()).strip()).normalize();
  }

  /** Tests that read the Docker kit corpus look for it at ../shared/corpus beside the clone. */
  private static void linkCorpus(Path repo, Path scratch) throws IOException {
    Path shared = repo.resolve("../shared").normalize();
    if (Files.isDirectory(shared.resolve("corpus"))) {
      Files.createSymbolicLink(scratch.resolve("shared"), shared);
    }
  }

  private static Map<String, String> environment(Path state) {
    Map<String, String> env = new HashMap<>();
    env.put("SBX_STATE_DIR", state.toString());
    // ./sbx builds with ./mvnw: offline, from the local repository this build already filled
    env.put("MAVEN_ARGS", "-o");
    return env;
  }

  record Run(int exit, String output) {}

  private static Run run(Path dir, String command, Map<String, String> env, long timeoutSeconds) {
    try {
      Path log = Files.createTempFile(dir.getParent(), "cmd-", ".log");
      ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      // nothing of the outer run's sbx locations leaks in: env says what each command gets
      pb.environment().keySet().removeAll(List.of("SBX_STATE_DIR", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "SBX_DEBUG"));
      pb.environment().putAll(env);
      if (!Files.isDirectory(dir.getParent().resolve("shared"))) {
        pb.environment().remove("CI"); // without the corpus its tests skip, unless CI demands it
      }
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        return new Run(-1, "timed out after " + timeoutSeconds + " s\n" + Files.readString(log));
      }
      return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}

package dev.sbx.cli;

import dev.sbx.reconciler.gitops.GitRemote;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A GitOps repository for the daemon tests: a real bare repository (JGit, {@code file://} URL)
 * holding NetworkPolicy and Sandbox manifests. Workspaces are absolute host paths (a git source
 * must not put them inside its checkout).
 */
final class GitOpsFleet implements AutoCloseable {
  final GitRemote remote;
  final Path workspaces;

  GitOpsFleet(Path root) throws Exception {
    remote = new GitRemote(root.resolve("git"));
    workspaces = Files.createDirectories(root.resolve("workspaces"));
  }

  GitOpsFleet policy(String name, String mode, String... allow) throws IOException {
    StringBuilder sb = new StringBuilder("apiVersion: sbx/v1\nkind: NetworkPolicy\nmetadata: {name: " + name
        + "}\nspec:\n  default: " + mode + "\n  allow:\n");
    for (String a : allow) {
      sb.append("    - \"").append(a).append("\"\n");
    }
    remote.write("fleet/policy-" + name + ".yaml", sb.toString());
    return this;
  }

  GitOpsFleet sandbox(String name, String policy) throws IOException {
    Path ws = Files.createDirectories(workspaces.resolve(name));
    remote.write("fleet/sandbox-" + name + ".yaml", "apiVersion: sbx/v1\nkind: Sandbox\nmetadata: {name: " + name
        + "}\nspec:\n  agent: shell\n  workspace: " + ws + "\n  resources: {cpus: 1, memory: 512m}\n  policy: "
        + policy + "\n");
    return this;
  }

  GitOpsFleet remove(String name) throws IOException {
    remote.delete("fleet/sandbox-" + name + ".yaml");
    return this;
  }

  String commit(String message) throws Exception {
    return remote.commitAndPush(message);
  }

  String url() {
    return remote.url();
  }

  @Override
  public void close() {
    remote.close();
  }
}

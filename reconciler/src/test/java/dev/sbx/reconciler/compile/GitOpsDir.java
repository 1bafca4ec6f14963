package dev.sbx.reconciler.compile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small GitOps directory written for a test: a policy, a mixin kit and sandboxes. */
public final class GitOpsDir {
  public final Path root;

  public GitOpsDir(Path root) {
    this.root = root;
    policy("team", "deny-all", "api.github.com:443");
    kit("tools", "echo install-v1", "hello v1");
    sandbox("dev", "team");
  }

  public GitOpsDir policy(String name, String mode, String... allow) {
    StringBuilder sb = new StringBuilder("apiVersion: sbx/v1\nkind: NetworkPolicy\nmetadata: {name: " + name
        + "}\nspec:\n  default: " + mode + "\n  allow:\n");
    for (String a : allow) {
      sb.append("    - \"").append(a).append("\"\n");
    }
    return write("policy-" + name + ".yaml", sb.toString());
  }

  public GitOpsDir kit(String name, String install, String fileContent) {
    write("kits/" + name + "/spec.yaml", "schemaVersion: \"2\"\nkind: mixin\nname: " + name + "\n"
        + "environment:\n  variables:\n    TOOLS: \"1\"\n"
        + "setup:\n  install:\n    - command: " + install + "\n  startup:\n    - command: [sleep, \"1\"]\n");
    return write("kits/" + name + "/files/home/notes.txt", fileContent);
  }

  public GitOpsDir sandbox(String name, String policy) {
    return sandbox(name, policy, 2, "1g");
  }

  public GitOpsDir sandbox(String name, String policy, int cpus, String memory) {
    return write("sandbox-" + name + ".yaml", "apiVersion: sbx/v1\nkind: Sandbox\nmetadata: {name: " + name + "}\n"
        + "spec:\n  agent: shell\n  kits: [./kits/tools]\n  workspace: ./ws-" + name + "\n"
        + "  resources: {cpus: " + cpus + ", memory: " + memory + "}\n  secrets: [github]\n  policy: " + policy + "\n");
  }

  public GitOpsDir write(String relative, String text) {
    try {
      Path file = root.resolve(relative);
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public GitOpsDir delete(String relative) {
    try {
      Files.delete(root.resolve(relative));
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.sbx.vm.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One sandbox as a runtime sees it. {@code owner} and {@code specHash} are the labels the
 * sandbox was created with, so the reconciler can tell its own VMs and their drift.
 *
 * @param pid the VM process id while it runs
 * @param workspace {@code null} when the sandbox shares no workspace
 * @param failures problems the runtime recorded on the last start (failed startup commands,
 *     guest agent log lines about failures), empty when none
 * @param labels the labels of the spec it was created from
 */
public record SandboxInfo(
    String name,
    String owner,
    String specHash,
    SandboxState state,
    OptionalLong pid,
    int cpus,
    long memoryMib,
    Path workspace,
    String driver,
    List<String> failures,
    Map<String, String> labels) {
  public SandboxInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(specHash, "specHash");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(pid, "pid");
    Objects.requireNonNull(driver, "driver");
    failures = List.copyOf(failures);
    labels = Map.copyOf(labels);
  }
}

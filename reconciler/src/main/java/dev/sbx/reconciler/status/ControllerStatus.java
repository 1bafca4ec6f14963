package dev.sbx.reconciler.status;

import java.util.List;
import java.util.Optional;

/** Everything {@code sbx status} shows: each source and each sandbox the controller handled, by id and name. */
public record ControllerStatus(List<SourceStatus> sources, List<SandboxStatus> sandboxes) {
  public ControllerStatus {
    sources = List.copyOf(sources);
    sandboxes = List.copyOf(sandboxes);
  }

  public Optional<SourceStatus> source(String id) {
    return sources.stream().filter(s -> s.sourceId().equals(id)).findFirst();
  }

  public Optional<SandboxStatus> sandbox(String name) {
    return sandboxes.stream().filter(s -> s.name().equals(name)).findFirst();
  }
}

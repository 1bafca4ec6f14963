package dev.sbx.reconciler.actuator;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One VM as its runtime reports it. {@code owner} is the label set at creation (the source id for
 * VMs sbx created from a source, something else for VMs made by hand); {@code immutableHash} is the
 * {@code DesiredSandbox.immutableHash()} it was built from; {@code env} and {@code startup} are the
 * live settings it currently uses for new execs.
 */
public record RuntimeSandbox(
    String name, String owner, String immutableHash, VmState state, Map<String, String> env, List<String> startup) {
  public RuntimeSandbox {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(immutableHash, "immutableHash");
    Objects.requireNonNull(state, "state");
    env = Collections.unmodifiableMap(new TreeMap<>(env));
    startup = List.copyOf(startup);
  }
}

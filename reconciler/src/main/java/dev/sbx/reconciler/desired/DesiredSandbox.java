package dev.sbx.reconciler.desired;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything one sandbox should be after merging kits, policy and bindings: the output of the
 * desired phase and the input of diff.
 *
 * <p>Hashes: {@link #immutableHash()} covers {@code agent} and {@link ImmutableSpec} (a VM is
 * labelled with it; a difference means replace). {@link #liveHash()} covers {@link LiveSpec}. Both
 * are {@code sha256:} of canonical JSON ({@link CanonicalJson}); {@code drift} and {@code
 * provenance} are not hashed (changing them changes nothing in the world). {@link #specHash()}
 * combines the two.
 */
public record DesiredSandbox(
    String name, String agent, ImmutableSpec immutable, LiveSpec live, DriftMode drift, Provenance provenance) {

  /** Sandbox names become file names and VM labels, so they are DNS-label-like. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  public DesiredSandbox {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("sandbox name must be lowercase letters, digits and '-': " + name);
    }
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(immutable, "immutable");
    Objects.requireNonNull(live, "live");
    Objects.requireNonNull(drift, "drift");
    Objects.requireNonNull(provenance, "provenance");
  }

  /** True when {@code name} is a valid sandbox name. */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** Immutable fields by plan name, {@code agent} first. */
  public Map<String, Object> immutableFields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("agent", agent);
    fields.putAll(immutable.canonicalFields());
    return fields;
  }

  public String immutableHash() {
    return SandboxHashes.of(this).immutable();
  }

  public String liveHash() {
    return SandboxHashes.of(this).live();
  }

  public String specHash() {
    return CanonicalJson.sha256(immutableHash() + "\n" + liveHash());
  }
}

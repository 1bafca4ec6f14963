package dev.sbx.schemas.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One kit in the canonical (schemaVersion "2") shape that both v1 and v2 files fold into.
 *
 * <p>Absent means: nullable strings/objects are {@code null}, collections are empty, booleans are
 * false. {@code sandbox} is non-null exactly when {@code kind} is {@link KitKind#SANDBOX}.
 *
 * @param kind sandbox or mixin
 * @param name kit name, {@code ^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$}; for a sandbox kit also the
 *     agent name
 * @param extendsKit parent kit name ({@code extends:}), resolved by the merge engine
 * @param locked dotted paths that kits stacked later may not override
 * @param requiresAgent {@code requires.agent}: the only sandbox kit this mixin may be stacked on
 * @param args declared kit arguments, by name, in file order (already substituted into the kit)
 * @param sandbox the sandbox block (image, entrypoint, ...), only for sandbox kits
 * @param privileged {@code security.privileged}
 * @param mixins {@code mixins:} names declared by the kit (parsed; runtime pending upstream)
 * @param files the kit's {@code files/home/**} and {@code files/workspace/**} artifacts
 */
public record Kit(
    KitKind kind,
    String name,
    String displayName,
    String description,
    String version,
    String sourceUrl,
    String extendsKit,
    List<String> locked,
    String requiresAgent,
    Map<String, KitArg> args,
    List<String> licenses,
    SandboxBlock sandbox,
    Network network,
    List<Credential> credentials,
    Environment environment,
    Setup setup,
    AgentInstructions agentInstructions,
    List<Port> ports,
    List<Volume> volumes,
    boolean privileged,
    List<String> mixins,
    List<ArtifactFile> files) {

  public Kit {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    locked = Copies.list(locked);
    args = Copies.map(args);
    licenses = Copies.list(licenses);
    network = network == null ? Network.EMPTY : network;
    credentials = Copies.list(credentials);
    environment = environment == null ? Environment.EMPTY : environment;
    setup = setup == null ? Setup.EMPTY : setup;
    ports = Copies.list(ports);
    volumes = Copies.list(volumes);
    mixins = Copies.list(mixins);
    files = Copies.list(files);
    if ((kind == KitKind.SANDBOX) != (sandbox != null)) {
      throw new IllegalArgumentException("a sandbox block is required for, and only for, kind sandbox");
    }
  }

  /** A new kit with these artifacts (the loader reads {@code files/} after the spec). */
  public Kit withFiles(List<ArtifactFile> newFiles) {
    return new Kit(kind, name, displayName, description, version, sourceUrl, extendsKit, locked,
        requiresAgent, args, licenses, sandbox, network, credentials, environment, setup,
        agentInstructions, ports, volumes, privileged, mixins, newFiles);
  }
}

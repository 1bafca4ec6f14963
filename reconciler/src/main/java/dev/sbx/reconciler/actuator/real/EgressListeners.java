package dev.sbx.reconciler.actuator.real;

import dev.sbx.egress.EgressProxy;
import dev.sbx.egress.api.ListenAddress;
import dev.sbx.egress.api.SandboxId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One unix-socket listener on the proxy per sandbox, under {@code DIR/NAME.sock}: the VM runtime
 * connects each guest proxy tunnel of that sandbox to it, so the proxy knows the sandbox from
 * where the connection arrived. Idempotent: the daemon re-creates them for running VMs after a
 * restart.
 */
public final class EgressListeners {
  private final EgressProxy proxy;
  private final Path dir;

  public EgressListeners(EgressProxy proxy, Path dir) {
    this.proxy = proxy;
    this.dir = dir;
  }

  public Path socket(String sandbox) {
    return dir.resolve(sandbox + ".sock");
  }

  /** Binds the sandbox's listener unless it is already bound; returns its path. */
  public Path ensure(String sandbox) {
    Path path = socket(sandbox);
    SandboxId id = SandboxId.of(sandbox);
    if (proxy != null && proxy.bindings(id).isEmpty()) { // no proxy: in-memory daemons (tests)
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      proxy.bind(id, new ListenAddress.Unix(path));
    }
    return path;
  }
}

package dev.sbx.vm.microvm;

import dev.sbx.vm.host.HostCommand;
import java.util.ArrayList;
import java.util.List;

/**
 * Prefixes {@code setsid} so a VM and its helpers leave the caller's session: a Ctrl-C in the
 * terminal that ran {@code sbx create} does not reach them, and they outlive the CLI. setsid
 * execs in place (the child is not a group leader), so the pid stays the VM's.
 */
final class Detached {
  private static final boolean SETSID = HostCommand.available("setsid");

  private Detached() {}

  static List<String> argv(List<String> argv) {
    if (!SETSID) {
      return argv;
    }
    var result = new ArrayList<String>(argv.size() + 1);
    result.add("setsid");
    result.addAll(argv);
    return result;
  }
}

package dev.sbx.cli;

import dev.sbx.cli.output.OutputFormatOption;
import dev.sbx.reconciler.doctor.Check;
import dev.sbx.reconciler.doctor.Doctor;
import dev.sbx.reconciler.doctor.RealHostProbe;
import dev.sbx.vm.host.SbxDirs;
import dev.sbx.vm.microvm.MicrovmRuntime;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code sbx doctor [-o json]}: one line per host check with OK/WARN/FAIL and what to do. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx doctor              # one line per check: OK, WARN or FAIL, and what to do",
        "  sbx doctor -o json      # {ok, checks: [{id, status, detail, fix}]}"},
    name = "doctor", mixinStandardHelpOptions = true,
    description = {"Check this host for what sandboxes need: QEMU, KVM, virtiofsd, busybox, the guest kernel,",
        "the secrets keyring, free disk, the daemon and the egress CA; each gap says what to do.",
        "Exit codes: 0 no FAIL (WARN allowed), 1 at least one FAIL.",
        "-o json|yaml: {\"ok\": bool, \"checks\": [{\"id\", \"status\": \"OK|WARN|FAIL\", \"detail\", \"fix\"}]}."})
public final class DoctorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;

  @Mixin OutputFormatOption output;

  @Override
  public Integer call() {
    var env = System.getenv();
    MicrovmRuntime.Options vm = MicrovmRuntime.Options.fromEnvironment()
        .withDirs(SbxDirs.fromEnvironment(env).withState(locations.daemonStateDir().resolve("vm")));
    Doctor doctor = new Doctor(new RealHostProbe(env, locations.daemonStateDir(), locations.secretsDir(), vm),
        new Doctor.Setup(locations.daemonStateDir(), vm.dirs().cache(), locations.egressCaDir(), vm.qemu(), vm.virtiofsd()));
    List<Check> checks = doctor.run();
    var out = spec.commandLine().getOut();
    if (output.structured()) {
      output.print(json(checks), null);
    } else {
      int width = checks.stream().mapToInt(c -> c.id().length()).max().orElse(0);
      for (Check c : checks) {
        out.println(String.format(Locale.ROOT, "%-4s  %-" + width + "s  %s%s", c.status(), c.id(), c.detail(),
            c.fix().map(f -> " -> " + f).orElse("")));
      }
    }
    out.flush();
    return Doctor.exitCode(checks);
  }

  /** The stable {@code -o json} form. */
  static ObjectNode json(List<Check> checks) {
    ObjectNode root = JsonMapper.shared().createObjectNode().put("ok", Doctor.exitCode(checks) == 0);
    ArrayNode array = root.putArray("checks");
    for (Check c : checks) {
      ObjectNode o = array.addObject().put("id", c.id()).put("status", c.status().name()).put("detail", c.detail());
      if (c.fix().isPresent()) {
        o.put("fix", c.fix().get());
      } else {
        o.putNull("fix");
      }
    }
    return root;
  }
}

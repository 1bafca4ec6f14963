package dev.sbx.cli;

import dev.sbx.egress.tls.CertificateAuthority;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sbx egress ca}: the interception CA certificate's path and PEM (created on first use). */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx egress ca                             # the interception CA"},
    name = "ca", mixinStandardHelpOptions = true,
    description = "Print the path and PEM of the CA certificate sandboxes must trust for credential injection.")
public final class EgressCaCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin SbxLocations locations;

  @Override
  public Integer call() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(locations.egressCaDir());
    PrintWriter out = spec.commandLine().getOut();
    out.println(ca.certificatePath());
    out.print(ca.pem());
    out.flush();
    return 0;
  }
}

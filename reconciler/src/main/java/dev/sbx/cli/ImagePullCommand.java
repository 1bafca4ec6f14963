package dev.sbx.cli;

import dev.sbx.vm.image.oci.OciRegistryClient;
import dev.sbx.vm.image.oci.Platform;
import dev.sbx.vm.image.oci.RegistryCredentials;
import dev.sbx.vm.image.oci.ImageReference;
import dev.sbx.vm.image.oci.OciException;
import dev.sbx.vm.image.store.ImageException;
import dev.sbx.vm.image.store.ImageRecord;
import dev.sbx.vm.image.store.RegistryImport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sbx image pull REF [--platform linux/amd64] [--username U --password-stdin]}: an OCI
 * image from its registry into the image store. Progress on stderr, the result on stdout.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx image pull localhost:5000/team/agent:1",
        "  sbx image pull example.com/team/agent:1 --platform linux/arm64",
        "  sbx image pull example.com/private/agent:2 -u me --password-stdin < token"},
    name = "pull", description = "Pull an image from an OCI registry into the image store.")
final class ImagePullCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "REF", description = "e.g. debian:bookworm, localhost:5000/team/agent:1, NAME@sha256:…")
  String reference;

  @Option(names = "--platform", defaultValue = "linux/amd64", paramLabel = "OS/ARCH",
      description = "platform to pick from a multi-platform image (default: ${DEFAULT-VALUE})")
  String platform;

  @Option(names = {"-u", "--username"}, paramLabel = "U", description = "registry user; the password or token is read from stdin")
  String username;

  @Option(names = "--password-stdin", description = "read the password or token for --username from stdin")
  boolean passwordStdin;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    long started = System.nanoTime();
    try {
      Platform wanted;
      try {
        wanted = Platform.parse(platform);
      } catch (RuntimeException e) {
        err.println("sbx: --platform: " + e.getMessage());
        return ExitCodes.INVALID_INPUT;
      }
      if ((username != null) != passwordStdin) {
        err.println("sbx: --username and --password-stdin go together (the secret is read from stdin, never an argument)");
        return ExitCodes.INVALID_INPUT;
      }
      var options = OciRegistryClient.Options.defaults();
      if (username != null) {
        String registry = ImageReference.parse(reference).registry();
        options = options.withCredentials(RegistryCredentials.of(registry,
            new RegistryCredentials.Credential(username, readSecret())));
      }
      ImageRecord image = new RegistryImport(ImageStores.open(), options, wanted)
          .pull(reference, line -> err.println("  " + line));
      spec.commandLine().getOut().printf(Locale.ROOT, "pulled %s %s (%s) in %.1f s%n", reference, image.shortId(),
          ImageStores.size(image.contentBytes()), (System.nanoTime() - started) / 1e9);
      return 0;
    } catch (OciException e) {
      err.println("sbx: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    } catch (ImageException e) {
      return ImageStores.fail(spec, e);
    }
  }

  private static String readSecret() {
    try {
      String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      return line == null ? "" : line.strip();
    } catch (IOException e) {
      throw new ImageException(ImageException.Kind.IO, "cannot read the password from stdin: " + e.getMessage(), e);
    }
  }
}

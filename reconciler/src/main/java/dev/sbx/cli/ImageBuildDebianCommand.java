package dev.sbx.cli;

import dev.sbx.vm.image.debian.DebianImageBuilder;
import dev.sbx.vm.image.store.ImageException;
import dev.sbx.vm.image.store.ImageRecord;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sbx image build debian --suite SUITE --packages a,b [--tag NAME] [--mirror URL]}:
 * debootstrap (minbase) into the image store. Progress on stderr, the result on stdout.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx image build debian --suite bookworm --packages git,python3",
        "  sbx image build debian --suite bookworm --mirror http://example.com/debian"},
    name = "debian", description = "Build a Debian image with debootstrap (needs root).")
final class ImageBuildDebianCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--suite", required = true, description = "Debian suite, e.g. bookworm")
  String suite;

  @Option(names = "--packages", split = ",", paramLabel = "PKG,...", description = "packages to include")
  List<String> packages = List.of();

  @Option(names = "--tag", paramLabel = "NAME", description = "reference to tag it with (default: debian:SUITE-PKGS)")
  String tag;

  @Option(names = "--mirror", paramLabel = "URL", description = "Debian mirror (default: the one in this host's apt sources)")
  String mirror;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    long started = System.nanoTime();
    try {
      var request = new DebianImageBuilder.Request(suite, packages, mirror, tag);
      var builder = new DebianImageBuilder(ImageStores.open(), null);
      ImageRecord image = builder.build(request, line -> err.println("  " + line));
      spec.commandLine().getOut().printf(Locale.ROOT, "built %s %s (%s) in %.0f s%n", request.reference(),
          image.shortId(), ImageStores.size(image.contentBytes()), (System.nanoTime() - started) / 1e9);
      return 0;
    } catch (ImageException e) {
      return ImageStores.fail(spec, e);
    }
  }
}

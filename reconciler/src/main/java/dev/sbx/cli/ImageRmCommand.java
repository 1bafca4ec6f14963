package dev.sbx.cli;

import dev.sbx.vm.image.store.ImageException;
import dev.sbx.vm.image.store.ImageStore;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sbx image rm REF... [--force]}: untags a reference; removes the image with its last
 * reference (or when named by id). An image a sandbox uses is refused unless {@code --force}.
 */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx image rm debian:bookworm-git-python3",
        "  sbx image rm 3f2a9c1b7d4e --force      # by id, even if sandboxes use it"},
    name = "rm", description = "Remove images (refused while a sandbox uses one, unless --force).")
final class ImageRmCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "REF", description = "reference, digest or id prefix")
  List<String> refs;

  @Option(names = {"-f", "--force"}, description = "remove even if sandboxes use it (they will not boot again)")
  boolean force;

  @Override
  public Integer call() {
    ImageStore store = ImageStores.open();
    int code = 0;
    for (String ref : refs) {
      try {
        ImageStore.Removal removal = store.remove(ref, force);
        if (removal.untagged() != null) {
          spec.commandLine().getOut().println("untagged " + removal.untagged());
        } else {
          spec.commandLine().getOut().println("deleted " + removal.deleted().digest());
          removal.broken().forEach(u -> spec.commandLine().getErr().println(
              "sbx: warning: sandbox " + u.sandbox() + " used it and cannot start again; remove it (`sbx rm "
                  + u.sandbox() + "`)"));
        }
      } catch (ImageException e) {
        code = Math.max(code, ImageStores.fail(spec, e));
      }
    }
    return code;
  }
}

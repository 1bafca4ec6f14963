package dev.sbx.cli;

import dev.sbx.vm.image.store.ImageException;
import dev.sbx.vm.image.store.ImageRecord;
import dev.sbx.vm.image.store.ImageStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sbx image prune}: removes images no sandbox uses, and dangling blobs and leftovers. */
@Command(footerHeading = "%nExamples:%n",
    footer = {
        "  sbx image prune"},
    name = "prune", description = "Remove images no sandbox uses, dangling blobs and abandoned builds.")
final class ImagePruneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try {
      ImageStore.Pruned pruned = ImageStores.open().prune();
      var out = spec.commandLine().getOut();
      for (ImageRecord image : pruned.images()) {
        out.println("deleted " + image.digest() + (image.references().isEmpty() ? ""
            : " (" + String.join(", ", image.references()) + ")"));
      }
      if (pruned.blobs() > 0) {
        out.println("deleted " + pruned.blobs() + " dangling blob(s)");
      }
      out.println("reclaimed " + ImageStores.size(pruned.bytes()));
      return 0;
    } catch (ImageException e) {
      return ImageStores.fail(spec, e);
    }
  }
}

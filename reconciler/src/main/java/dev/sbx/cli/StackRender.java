package dev.sbx.cli;

import dev.sbx.reconciler.merge.BuiltinKits;
import dev.sbx.reconciler.merge.EffectiveKit;
import dev.sbx.reconciler.merge.Renderer;
import dev.sbx.reconciler.merge.StackMerger;
import dev.sbx.reconciler.merge.StackRequest;
import dev.sbx.schemas.model.LoadedKit;
import dev.sbx.schemas.model.Problem;
import java.io.PrintWriter;
import java.util.List;

/** The stack half of {@code sbx kit render}: merge, print warnings to stderr, print the kit. */
final class StackRender {
  private StackRender() {}

  static int print(List<LoadedKit> kits, String agent, Renderer.Format format, boolean explain,
      PrintWriter out, PrintWriter err) {
    EffectiveKit effective = StackMerger.merge(
        new StackRequest(kits, agent, null, BuiltinKits.resolver()));
    warnings(effective.warnings(), err);
    out.print(Renderer.kit(effective, format, explain));
    out.flush();
    return ExitCodes.OK;
  }

  static void warnings(List<Problem> warnings, PrintWriter err) {
    for (Problem w : warnings) {
      err.println(w.headline().replaceFirst(": ", ": warning: ")
          + (w.hint() == null ? "" : "\n    hint: " + w.hint()));
    }
    err.flush();
  }
}

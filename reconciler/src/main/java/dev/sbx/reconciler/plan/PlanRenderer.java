package dev.sbx.reconciler.plan;

import java.util.Map;

/**
 * The human form of a plan, terraform-style: {@code + create}, {@code ~ update in place}, {@code
 * -/+ replace}, {@code - delete}, {@code !} drift reported but not corrected, then warnings and a
 * summary line. No-ops without drift are not shown. Returns text; printing is the CLI's job.
 */
public final class PlanRenderer {
  private PlanRenderer() {}

  public static String render(Plan plan) {
    StringBuilder out = new StringBuilder();
    out.append("Source ").append(plan.source().id()).append(" at ").append(plan.source().revision()).append("\n\n");
    boolean any = false;
    for (Change c : plan.changes()) {
      if (c.kind() == ChangeKind.NO_OP && !c.drift()) {
        continue;
      }
      any = true;
      String symbol = c.kind() == ChangeKind.NO_OP ? "!" : c.kind().symbol();
      out.append(String.format("%3s sandbox %s", symbol, c.sandbox()));
      out.append(" (").append(c.reason()).append(")\n");
      var fields = c instanceof Change.Create create
          ? LiveDiff.creation(create.target().immutableFields(), create.target().live())
          : c.fields();
      for (FieldChange f : fields) {
        out.append("      ").append(f.render()).append('\n');
      }
    }
    if (!any) {
      out.append("No changes. The sandboxes match the source.\n");
    }
    if (!plan.warnings().isEmpty()) {
      out.append('\n');
      for (PlanWarning w : plan.warnings()) {
        out.append("Warning: ").append(w.sandbox().isEmpty() ? "" : "sandbox " + w.sandbox() + ": ")
            .append(w.message()).append('\n');
      }
    }
    Map<ChangeKind, Integer> n = plan.counts();
    out.append(String.format("%nPlan: %d to add, %d to change, %d to replace, %d to destroy.%n",
        n.get(ChangeKind.CREATE), n.get(ChangeKind.UPDATE), n.get(ChangeKind.REPLACE), n.get(ChangeKind.DELETE)));
    return out.toString();
  }
}

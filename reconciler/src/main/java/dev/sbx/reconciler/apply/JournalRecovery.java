package dev.sbx.reconciler.apply;

import dev.sbx.reconciler.event.ReconcileEvent;
import dev.sbx.reconciler.event.ReconcileEventHandler;
import dev.sbx.reconciler.state.Journal;
import dev.sbx.reconciler.state.JournalEntry;
import java.util.List;

/**
 * Replays the journal when an apply starts: every intent without an outcome is an action a crash
 * interrupted. Its effect is unknown, so nothing is redone blindly; the apply that follows
 * re-observes the world and converges (actions are idempotent, and a sandbox being created was put
 * in the inventory before its first action, so it is never orphaned). This class reports each
 * interrupted action and closes it with a {@code recovered} outcome.
 */
final class JournalRecovery {
  private final Journal journal;
  private final ReconcileEventHandler events;

  JournalRecovery(Journal journal, ReconcileEventHandler events) {
    this.journal = journal;
    this.events = events;
  }

  List<JournalEntry> recover() {
    List<JournalEntry> dangling = journal.dangling();
    for (JournalEntry e : dangling) {
      events.on(new ReconcileEvent.Warning(e.sandbox(), "an earlier apply stopped during " + e.action()
          + " (started " + e.time() + "); re-observing and converging"));
      journal.outcome(e.id(), e.sandbox(), e.action(), e.source(), JournalEntry.RECOVERED,
          "interrupted; converged by a later apply");
    }
    return dangling;
  }
}

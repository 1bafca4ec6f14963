package dev.sbx.cli.dashboard;

/** Where the dashboard's data comes from and where its actions go (the daemon; a fake in unit tests). */
interface DashboardSource {
  /** The current state; never throws: failures come back as {@link Snapshot#problem()}. */
  Snapshot fetch();

  /** Stops a sandbox; throws {@link ActionFailed} with a one-line reason. */
  void stop(String sandbox);

  /** Stops then starts a sandbox. */
  void restart(String sandbox);

  /** One line for the title bar: where the data comes from. */
  String describe();

  /** An action the daemon refused or could not do; the message is shown on the message line. */
  final class ActionFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ActionFailed(String message) {
      super(message);
    }
  }
}

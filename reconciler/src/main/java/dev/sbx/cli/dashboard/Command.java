package dev.sbx.cli.dashboard;

/** What a key press asks the dashboard loop to do besides redrawing. */
sealed interface Command {
  record None() implements Command {}

  record Quit() implements Command {}

  record Stop(String sandbox) implements Command {}

  record Restart(String sandbox) implements Command {}

  Command NONE = new None();
  Command QUIT = new Quit();
}

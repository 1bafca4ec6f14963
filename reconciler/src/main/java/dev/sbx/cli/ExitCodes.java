package dev.sbx.cli;

/** The documented exit codes (README "Exit codes"); one place, used by every command. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int DRIFT = 1;
  public static final int INVALID_INPUT = 2;
  public static final int PARTIAL_FAILURE = 3;
  public static final int LOCK_HELD = 4;
  public static final int ENVIRONMENT = 5;
  /** A bug in sbx (an exception that is not a user error); BSD sysexits EX_SOFTWARE. */
  public static final int INTERNAL = 70;

  private ExitCodes() {}
}

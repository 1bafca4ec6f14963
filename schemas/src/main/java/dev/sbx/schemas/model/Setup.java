package dev.sbx.schemas.model;

import java.util.List;
import java.util.Objects;

/** {@code setup:} (v1 {@code commands:}): what runs or is written when the sandbox is made/started. */
public record Setup(List<Install> install, List<Startup> startup, List<InitFile> files) {
  public static final Setup EMPTY = new Setup(List.of(), List.of(), List.of());

  public Setup {
    install = Copies.list(install);
    startup = Copies.list(startup);
    files = Copies.list(files);
  }

  /**
   * Runs once at creation through {@code sh -c}.
   *
   * @param user uid or name; null = root ({@code "0"})
   */
  public record Install(String command, String user, String description) {
    public Install {
      Objects.requireNonNull(command, "command");
    }

    public String effectiveUser() {
      return user == null ? "0" : user;
    }
  }

  /**
   * Runs on every start, as an argv (no shell).
   *
   * @param user uid or name; null = the agent user ({@code "1000"})
   */
  public record Startup(List<String> command, String user, boolean background, String description) {
    public Startup {
      command = Copies.list(command);
    }

    public String effectiveUser() {
      return user == null ? "1000" : user;
    }
  }

  /**
   * A file written at start ({@code setup.files}, v1 {@code commands.initFiles}).
   *
   * @param path absolute path in the VM
   * @param content text; the only placeholder is {@code ${WORKDIR}}; null = empty file
   * @param mode octal string; null = {@code 0644}
   * @param onlyIfMissing true: keep an existing file
   */
  public record InitFile(
      String path, String content, String mode, boolean onlyIfMissing, String description) {
    public InitFile {
      Objects.requireNonNull(path, "path");
    }
  }
}

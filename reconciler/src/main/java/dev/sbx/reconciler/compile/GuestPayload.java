package dev.sbx.reconciler.compile;

import java.util.List;
import java.util.Objects;

/**
 * The bytes and commands a VM is built with, beside its {@link dev.sbx.reconciler.desired.DesiredSandbox}:
 * the desired record keeps only what is compared (the file digest is part of its image reference),
 * the runtime adapter needs the content itself.
 *
 * @param files kit files, each with an absolute guest path
 * @param install install commands in order (run once per VM)
 * @param startup startup commands in order (run on every start)
 */
public record GuestPayload(List<File> files, List<Command> install, List<Command> startup) {
  public static final GuestPayload NONE = new GuestPayload(List.of(), List.of(), List.of());

  public GuestPayload {
    files = List.copyOf(files);
    install = List.copyOf(install);
    startup = List.copyOf(startup);
  }

  /** One file written into the guest; {@code root} = owned by root, else by the agent user. */
  public record File(String guestPath, byte[] content, int mode) {
    public File {
      Objects.requireNonNull(guestPath, "guestPath");
      content = content.clone();
    }

    @Override
    public byte[] content() {
      return content.clone();
    }
  }

  /** A shell command line and the user it runs as ({@code agent} or {@code root}). */
  public record Command(String description, String shell, boolean root) {
    public Command {
      Objects.requireNonNull(shell, "shell");
      description = description == null ? shell : description;
    }
  }
}

package dev.sbx.vm.api;

import java.util.List;

/**
 * What the merged kits ask to be done inside the guest. Files are written on every start;
 * install commands run once per sandbox (recorded on its disk, not run again after a restart);
 * startup commands run on every start, their output kept in a log the host can read.
 */
public record KitApplication(List<GuestFile> files, List<GuestCommand> install, List<GuestCommand> startup) {
  public static final KitApplication NONE = new KitApplication(List.of(), List.of(), List.of());

  public KitApplication {
    files = List.copyOf(files);
    install = List.copyOf(install);
    startup = List.copyOf(startup);
  }
}

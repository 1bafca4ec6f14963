package dev.sbx.vm.api;

import java.util.Objects;

/** The unprivileged user the guest agent creates; commands run as it unless said otherwise. */
public record GuestUser(String name, int uid, int gid, String home) {
  public static final GuestUser AGENT = new GuestUser("agent", 1000, 1000, "/home/agent");

  public GuestUser {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(home, "home");
  }
}

package dev.sbx.vm.ports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads /proc/net/tcp{,6}: the local addresses of the sockets listening on a port (tests only). */
final class ListeningSockets {
  private ListeningSockets() {}

  static List<String> boundTo(int port) throws IOException {
    var out = new ArrayList<String>();
    String hexPort = String.format(Locale.ROOT, "%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      for (String line : Files.readAllLines(file)) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 3 && f[1].endsWith(":" + hexPort) && f[3].equals("0A")) { // 0A = LISTEN
          out.add(address(f[1].substring(0, f[1].indexOf(':'))));
        }
      }
    }
    return out;
  }

  /** /proc writes an IPv4 address as one little-endian hex word, an IPv6 one as four. */
  private static String address(String hex) {
    if (hex.length() == 32 && hex.startsWith("0000000000000000FFFF0000")) {
      hex = hex.substring(24); // IPv4-mapped (::ffff:a.b.c.d): a dual-stack socket bound to an IPv4 address
    } else if (hex.length() != 8) {
      return hex.equals("00000000000000000000000000000000") ? "::" : hex;
    }
    long v = Long.parseLong(hex, 16);
    return (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
  }
}

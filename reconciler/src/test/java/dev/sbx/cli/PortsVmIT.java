package dev.sbx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.daemon.Daemon;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.image.Files2;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code sbx ports} through the real daemon (real mode: qemu-microvm under TCG, the real guest
 * agent): a busybox httpd inside the VM on 127.0.0.1:8080, published with the CLI, fetched from
 * the host through the 127.0.0.1 listener the daemon holds; the published port comes back after
 * a daemon restart (the daemon re-attaches to the running VM), {@code --unpublish} closes it,
 * {@code sbx stop} closes the listener. One VM boot.
 */
@Tag("vm")
class PortsVmIT {

  @Test
  void publishFetchRestartUnpublishStopThroughTheRealDaemon() throws Exception {
    VmTests.requireVm();
    Path dir = VmTests.scratchDir("po");
    Path state = dir.resolve("s");
    Path log = dir.resolve("daemon.log");
    PrintStream daemonLog = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8);
    Daemon daemon = Daemon.start(state, Daemon.Mode.REAL, daemonLog);
    boolean passed = false;
    try {
      var vm = daemon.vmRuntime().orElseThrow();
      vm.create(SandboxSpec.minimal("web"));
      vm.start("web");
      CliRun serve = CliRun.withStdio("exec", "--state-dir", state.toString(), "web", "--", "sh", "-c",
          "mkdir -p /tmp/www && echo hello-through-sbx-ports > /tmp/www/index.html && httpd -p 127.0.0.1:8080 -h /tmp/www");
      assertEquals(0, serve.exitCode(), serve.out() + serve.err());

      CliRun publish = sbx(state, "ports", "web", "--publish", "8080");
      assertEquals(0, publish.exitCode(), publish.out() + publish.err());
      Matcher m = Pattern.compile("web: 127\\.0\\.0\\.1:(\\d+) -> 8080").matcher(publish.out());
      assertTrue(m.find(), publish.out());
      int port = Integer.parseInt(m.group(1));
      assertEquals(List.of("127.0.0.1"), listeningAddresses(port), "the default bind is loopback only");
      assertEquals("hello-through-sbx-ports\n", get(port));
      String table = sbx(state, "ports", "web").out();
      assertTrue(table.lines().anyMatch(l -> l.matches("web\\s+127\\.0\\.0\\.1\\s+" + port + "\\s+8080")), table);

      // a new daemon re-publishes from STATE/ports.json and re-attaches to the running VM
      daemon.close();
      daemon = Daemon.start(state, Daemon.Mode.REAL, daemonLog);
      awaitAnswer(port);
      assertEquals("hello-through-sbx-ports\n", get(port));

      assertEquals(0, sbx(state, "ports", "web", "--unpublish", "8080").exitCode());
      assertTrue(refused(port), "unpublished: connection refused");

      int again = Integer.parseInt(sbx(state, "ports", "web", "--publish", "8080", "-o", "json").out()
          .replaceAll("(?s).*\"hostPort\" : (\\d+).*", "$1"));
      assertEquals("hello-through-sbx-ports\n", get(again));
      assertEquals(0, sbx(state, "stop", "web").exitCode());
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (!refused(again)) {
        assertTrue(System.nanoTime() < deadline, "listener still open after sbx stop");
        Thread.sleep(100);
      }
      passed = true;
    } finally {
      try {
        daemon.vmRuntime().ifPresent(v -> v.list().forEach(s -> v.destroy(s.name())));
      } finally {
        daemon.close();
        if (passed) {
          Files2.deleteTree(dir);
        } else {
          System.err.println("PortsVmIT: kept " + dir + "\n" + Files.readString(log));
        }
      }
    }
  }

  private static CliRun sbx(Path state, String... args) {
    return VmTests.sbx(state, args);
  }

  /** HTTP/1.0 GET / through the published port; the body. */
  private static String get(int port) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      s.getOutputStream().write("GET /index.html HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertTrue(all.startsWith("HTTP/1.") && all.contains(" 200 "), all);
      return all.substring(all.indexOf("\r\n\r\n") + 4);
    }
  }

  private static void awaitAnswer(int port) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (refused(port)) {
      assertTrue(System.nanoTime() < deadline, "port " + port + " not re-published after the daemon restart");
      Thread.sleep(100);
    }
  }

  private static boolean refused(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /** Local addresses of the sockets listening on {@code port}, from /proc/net/tcp{,6}. */
  static List<String> listeningAddresses(int port) throws IOException {
    var out = new ArrayList<String>();
    String hexPort = String.format(Locale.ROOT, "%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 3 && f[1].endsWith(":" + hexPort) && f[3].equals("0A")) {
          String hex = f[1].substring(0, f[1].indexOf(':'));
          if (hex.length() == 32 && hex.startsWith("0000000000000000FFFF0000")) {
            hex = hex.substring(24); // IPv4-mapped on a dual-stack socket
          }
          if (hex.length() != 8) {
            out.add(hex);
            continue;
          }
          long v = Long.parseLong(hex, 16);
          out.add((v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff));
        }
      }
    }
    return out;
  }
}

package dev.sbx.vm.microvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.vm.api.EgressEndpoint;
import dev.sbx.vm.api.GuestCommand;
import dev.sbx.vm.api.GuestFile;
import dev.sbx.vm.api.KitApplication;
import dev.sbx.vm.api.Mount;
import dev.sbx.vm.api.SandboxSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecJsonTest {

  @Test
  void specRoundTripsThroughTheMetadataFile() {
    var spec = SandboxSpec.minimal("api").withOwner("team", "h1").withWorkspace(Path.of("/w"))
        .withMounts(List.of(Mount.samePath(Path.of("/docs"), true))).withResources(2, 2048)
        .withEnv(Map.of("A", "1")).withEgress(new EgressEndpoint.UnixSocket(Path.of("/run/e.sock")))
        .withCaPem("-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n")
        .withKit(new KitApplication(List.of(new GuestFile("/home/agent/f", new byte[] {0, 1, 2}, 0600, 1000, 1000)),
            List.of(GuestCommand.asRoot("apt", "apt-get install -y jq")), List.of(GuestCommand.asAgent("s", "true"))));
    SandboxSpec back = SpecJson.read(SpecJson.write(spec));
    assertEquals(spec, back);
  }

  @Test
  void configureCarriesProxyEnvSharesAndUser() {
    var spec = SandboxSpec.minimal("api").withWorkspace(Path.of("/w"))
        .withMounts(List.of(Mount.samePath(Path.of("/docs"), true)))
        .withEgress(new EgressEndpoint.Tcp("127.0.0.1", 9000)).withEnv(Map.of("GITHUB_TOKEN", "proxy-managed"));
    var tags = GuestSetup.configureTags(spec);
    assertEquals(List.of("fs0:/w:rw", "fs1:/docs:ro"), tags.all("mount"));
    assertTrue(tags.all("env").containsAll(List.of("HTTP_PROXY=http://127.0.0.1:3128",
        "https_proxy=http://127.0.0.1:3128", "GITHUB_TOKEN=proxy-managed")));
    assertEquals("127.0.0.1:3128", tags.first("proxy_listen").orElseThrow());
    assertEquals("agent:1000:1000:/home/agent", tags.first("user").orElseThrow());
  }

  @Test
  void noEgressMeansNoProxyListener() {
    var tags = GuestSetup.configureTags(SandboxSpec.minimal("x"));
    assertEquals("", tags.first("proxy_listen").orElseThrow());
    assertTrue(tags.all("env").stream().noneMatch(e -> e.startsWith("HTTP_PROXY")));
  }

  @Test
  void readOnlyShareRunsVirtiofsdBehindAReadOnlyBindMount() {
    var argv = VirtiofsDaemon.argv("/usr/lib/qemu/virtiofsd", Mount.samePath(Path.of("/docs"), true), Path.of("/s/fs1.sock"));
    assertEquals("unshare", argv.get(0));
    assertTrue(String.join(" ", argv).contains("mount -o remount,bind,ro"));
    assertTrue(argv.contains("source=/docs"));
    var rw = VirtiofsDaemon.argv("/usr/lib/qemu/virtiofsd", Mount.samePath(Path.of("/w"), false), Path.of("/s/fs0.sock"));
    assertEquals("/usr/lib/qemu/virtiofsd", rw.get(0));
  }
}

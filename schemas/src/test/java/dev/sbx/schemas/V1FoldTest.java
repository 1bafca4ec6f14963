package dev.sbx.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.schemas.model.Credential;
import dev.sbx.schemas.model.Kit;
import dev.sbx.schemas.model.KitKind;
import dev.sbx.schemas.model.LoadedKit;
import dev.sbx.schemas.model.Position;
import dev.sbx.schemas.model.SandboxBlock;
import dev.sbx.schemas.model.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** v1 → canonical folding (reference §1.10, §1.5.2) and the positions it carries along. */
class V1FoldTest {
  @TempDir Path tmp;

  private static final String AGENT_V1 = """
      schemaVersion: "1"
      kind: agent
      name: amp
      agent:
        image: docker/sandbox-templates:shell-docker
        aiFilename: AGENTS.md
        persistence: persistent
        entrypoint:
          run: [amp, --dangerously-allow-all]
          args: [--headless]
          ttyArgs: [--tui]
      locked: [agent.image, network.allowedDomains]
      network:
        allowedDomains:
          - ampcode.com
          - api.ampcode.com:443
        deniedDomains: [telemetry.ampcode.com]
        serviceDomains:
          api.ampcode.com: amp
          ampcode.com: amp
        serviceAuth:
          amp:
            headerName: Authorization
            valueFormat: "Bearer %s"
      credentials:
        sources:
          amp:
            env: [AMP_API_KEY]
            required: true
      environment:
        variables:
          FOO: bar
        proxyManaged: [AMP_API_KEY, OTHER_TOKEN]
      commands:
        install:
          - command: npm i -g amp
            user: "1000"
        initFiles:
          - path: /home/agent/.amp/config
            content: "dir=${WORKDIR}"
      memory: |
        Use amp wisely.
      volumes:
        /home/agent/.cache: 2g
      tmpfs:
        /tmp/scratch: 512m
      """;

  private LoadedKit load(String yaml) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("k" + System.nanoTime()));
    Files.writeString(dir.resolve("spec.yaml"), yaml);
    return KitLoader.defaults().load(dir);
  }

  @Test
  void anAgentKitFoldsIntoTheCanonicalModel() throws IOException {
    LoadedKit loaded = load(AGENT_V1);
    Kit kit = loaded.kit();
    assertEquals(KitKind.SANDBOX, kit.kind());
    assertEquals(new SandboxBlock("docker/sandbox-templates:shell-docker",
        List.of("amp", "--dangerously-allow-all"),
        new SandboxBlock.Command(List.of("--headless"), List.of("--tui")), null,
        SandboxBlock.Persistence.PERSISTENT), kit.sandbox());
    assertEquals(List.of("sandbox.image", "permissions.network.allow"), kit.locked());
    assertEquals("AGENTS.md", kit.agentInstructions().filename());
    assertEquals("Use amp wisely.\n", kit.agentInstructions().content());
    assertEquals(List.of("ampcode.com", "api.ampcode.com:443"), kit.network().allow());
    assertEquals(List.of("telemetry.ampcode.com"), kit.network().deny());
    // sources + serviceDomains (sorted) + serviceAuth + proxyManaged → one credential
    assertEquals(List.of(new Credential("amp", null, true, null,
        new Credential.ApiKey("AMP_API_KEY", true, List.of(
            new Credential.Inject("ampcode.com", "Authorization", "Bearer %s", null, null),
            new Credential.Inject("api.ampcode.com", "Authorization", "Bearer %s", null, null))),
        null)), kit.credentials());
    assertEquals(Map.of("FOO", "bar"), kit.environment().variables());
    assertEquals(List.of("OTHER_TOKEN"), kit.environment().proxyManaged(), "unclaimed stays");
    assertEquals("1000", kit.setup().install().get(0).user());
    assertEquals("/home/agent/.amp/config", kit.setup().files().get(0).path());
    assertEquals(List.of(new Volume("/home/agent/.cache", null, "2g", null),
        new Volume("/tmp/scratch", "tmpfs", "512m", null)), kit.volumes());
    assertTrue(loaded.warnings().stream().anyMatch(w -> w.message().contains("kind: agent")));
    assertTrue(loaded.warnings().stream().anyMatch(w -> w.message().contains("memory")));
  }

  @Test
  void canonicalPointersLeadToTheV1Lines() throws IOException {
    LoadedKit loaded = load(AGENT_V1);
    var p = loaded.positions();
    assertEquals(new Position(16, 7), p.at("/permissions/network/allow/1").orElseThrow());
    assertEquals(17, p.at("/permissions/network/deny/0").orElseThrow().line());
    assertEquals(9, p.at("/sandbox/entrypoint/0").orElseThrow().line());
    assertEquals(10, p.at("/sandbox/command/default/0").orElseThrow().line());
    assertEquals(6, p.at("/agentInstructions/filename").orElseThrow().line());
    assertEquals(41, p.at("/agentInstructions/content").orElseThrow().line());
    assertEquals(27, p.at("/credentials/0").orElseThrow().line(), "the sources entry");
    assertEquals(28, p.at("/credentials/0/apiKey/name").orElseThrow().line(), "env[0]");
    assertEquals(20, p.at("/credentials/0/apiKey/inject/0/domain").orElseThrow().line(),
        "ampcode.com sorts first; its serviceDomains line");
    assertEquals(23, p.at("/credentials/0/apiKey/inject/1/header").orElseThrow().line());
    assertEquals(24, p.at("/credentials/0/apiKey/inject/1/format").orElseThrow().line());
    assertEquals(32, p.at("/environment/variables/FOO").orElseThrow().line());
    assertEquals(36, p.at("/setup/install/0/command").orElseThrow().line());
    assertEquals(39, p.at("/setup/files/0/path").orElseThrow().line());
    assertEquals(44, p.at("/volumes/0").orElseThrow().line());
    assertEquals(46, p.at("/volumes/1/path").orElseThrow().line());
    assertEquals("kit amp, " + loaded.file().displayName() + ":16:7",
        loaded.origin("/permissions/network/allow/1"));
    assertEquals(p.at("/environment/variables/FOO").orElseThrow(),
        p.nearest("/environment/variables/FOO/not/written"));
  }

  @Test
  void theValueFormatLineIsBlamedForAMissingPercentS() throws IOException {
    ManifestException e = assertThrows(ManifestException.class,
        () -> load(AGENT_V1.replace("\"Bearer %s\"", "Bearer")));
    assertEquals(24, e.problems().get(0).position().line());
  }

  @Test
  void secretsAndEgressSugarBecomeCredentials() throws IOException {
    Kit kit = load("""
        schemaVersion: "1"
        kind: mixin
        name: sugar
        secrets: [GITHUB_TOKEN, OPENAI_API_KEY]
        egress:
          api.openai.com: openai
        network:
          allowedDomains: [api.openai.com]
        """).kit();
    assertEquals(List.of("github", "openai"), kit.credentials().stream()
        .map(Credential::service).toList());
    Credential openai = kit.credentials().get(1);
    assertTrue(openai.required());
    assertEquals(new Credential.ApiKey("OPENAI_API_KEY", false, List.of(
        new Credential.Inject("api.openai.com", "Authorization", "Bearer %s", null, null))),
        openai.apiKey());
    assertEquals("GITHUB_TOKEN", kit.credentials().get(0).apiKey().name());
  }

  @Test
  void proxyManagedAloneNamesTheKeyOfItsDerivedService() throws IOException {
    Kit kit = load("""
        schemaVersion: "1"
        kind: mixin
        name: mem
        environment:
          proxyManaged: [MEM0_API_KEY]
        network:
          allowedDomains: [mcp.mem0.ai]
          serviceDomains: {mcp.mem0.ai: mem0}
          serviceAuth: {mem0: {headerName: Authorization, valueFormat: "Token %s"}}
        """).kit();
    Credential c = kit.credentials().get(0);
    assertEquals("MEM0_API_KEY", c.apiKey().name());
    assertTrue(c.apiKey().proxyManaged());
    assertTrue(kit.environment().proxyManaged().isEmpty());
  }

  @Test
  void aStandaloneOauthBlockJoinsItsService() throws IOException {
    Kit kit = load("""
        schemaVersion: "1"
        kind: mixin
        name: oauthy
        oauth:
          service: claude
          tokenEndpoint: {host: platform.claude.com, path: /v1/oauth/token}
          sentinels: {accessToken: sk-ant-oat01-proxy-managed, refreshToken: sk-ant-ort01-proxy-managed}
          passthroughResponse: true
        """).kit();
    Credential c = kit.credentials().get(0);
    assertEquals("claude", c.service());
    assertNull(c.apiKey());
    assertTrue(c.oauth().passthrough());
    assertEquals("platform.claude.com", c.oauth().tokenEndpoint().host());
  }

  @Test
  void v2PublishedPortsMoveToPortsWithTheirLines() throws IOException {
    LoadedKit loaded = load("""
        schemaVersion: "2"
        kind: mixin
        name: ports
        ports:
          - container: 80
        publishedPorts:
          - container: 9418
            protocol: udp
        """);
    assertEquals(2, loaded.kit().ports().size());
    assertEquals(7, loaded.positions().at("/ports/1").orElseThrow().line());
    assertEquals(8, loaded.positions().at("/ports/1/protocol").orElseThrow().line());
    assertTrue(loaded.warnings().stream().anyMatch(w -> w.message().contains("publishedPorts")));
  }

  @Test
  void kitArgsAreSubstitutedAndChecked() throws IOException {
    String spec = """
        schemaVersion: "2"
        kind: mixin
        name: gitlab
        args:
          host:
            default: gitlab.com
            pattern: ^[a-z.]+$
        permissions:
          network:
            allow: ["${{ kit.args.host }}:443"]
        environment:
          variables:
            GITLAB_HOST: "https://${{kit.args.host}}"
        """;
    Path dir = Files.createDirectories(tmp.resolve("gitlab"));
    Files.writeString(dir.resolve("spec.yaml"), spec);
    Kit byDefault = KitLoader.defaults().load(dir).kit();
    assertEquals(List.of("gitlab.com:443"), byDefault.network().allow());
    KitLoadOptions given = KitLoadOptions.DEFAULTS.withKitArgs(
        KitArgs.parse(List.of("gitlab.host=git.example.com")));
    Kit set = new KitLoader(given).load(dir).kit();
    assertEquals("https://git.example.com", set.environment().variables().get("GITLAB_HOST"));
    KitLoadOptions bad = KitLoadOptions.DEFAULTS.withKitArgs(
        KitArgs.parse(List.of("gitlab.host=NOT VALID")));
    ManifestException e = assertThrows(ManifestException.class,
        () -> new KitLoader(bad).load(dir));
    assertTrue(e.getMessage().contains("does not match pattern"), e.getMessage());
    assertEquals(5, e.problems().get(0).position().line());
  }
}

package dev.sbx.schemas;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.opentest4j.AssertionFailedError;

/**
 * Bad input never crashes the loader: real specs, randomly damaged (lines dropped, duplicated,
 * re-indented, characters and bytes inserted, truncated), either load or fail with a
 * ManifestException whose problems all have a file and a position; anything else is a bug.
 */
class MutatedSpecPropertiesTest {
  private static Path dir;
  private static final List<byte[]> SPECS = new ArrayList<>();

  @BeforeContainer
  static void setUp() throws IOException {
    dir = Files.createTempDirectory("mutated");
    Path examples = Path.of("").toAbsolutePath().getParent().resolve("examples/kits");
    try (var s = Files.walk(examples)) {
      for (Path p : s.filter(p -> p.getFileName().toString().equals("spec.yaml")).toList()) {
        SPECS.add(Files.readAllBytes(p));
      }
    }
    SPECS.add(V1.getBytes(StandardCharsets.UTF_8));
  }

  @AfterContainer
  static void tearDown() throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static final String V1 = """
      schemaVersion: "1"
      kind: agent
      name: sample
      agent:
        image: docker/sandbox-templates:shell
        aiFilename: AGENTS.md
        entrypoint: {run: [bash], args: [-l]}
      network:
        allowedDomains: [api.example.com, "*.example.org"]
        serviceDomains: {api.example.com: example}
        serviceAuth: {example: {headerName: Authorization, valueFormat: "Bearer %s"}}
      credentials:
        sources: {example: {env: [EXAMPLE_API_KEY], required: true}}
      environment:
        variables: {A: "1"}
        proxyManaged: [EXAMPLE_API_KEY]
      commands:
        install: [{command: echo hi, user: "0"}]
        startup: [{command: [echo, up], background: true}]
        initFiles: [{path: /etc/x, content: "${WORKDIR}", mode: "0644"}]
      memory: hello
      volumes: {/data: 1g}
      """;

  record Mutation(int kind, int where, int what) {}

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    return Combinators.combine(Arbitraries.integers().between(0, 7),
            Arbitraries.integers().between(0, 100_000), Arbitraries.integers().between(0, 255))
        .as(Mutation::new).list().ofMinSize(1).ofMaxSize(4);
  }

  @Property(tries = 400)
  void damagedSpecsFailCleanly(@ForAll("mutations") List<Mutation> mutations,
      @ForAll("specIndex") int spec) throws IOException {
    byte[] bytes = SPECS.get(spec);
    for (Mutation m : mutations) {
      bytes = apply(bytes, m);
    }
    Path kit = Files.createDirectories(dir.resolve("kit"));
    Files.write(kit.resolve("spec.yaml"), bytes);
    try {
      KitLoader.defaults().load(kit);
    } catch (ManifestException e) {
      e.problems().forEach(p -> {
        if (p.file() == null || p.position() == null || p.message().isBlank()) {
          throw new AssertionFailedError("problem without place or text: " + p);
        }
      });
    } catch (RuntimeException e) {
      throw new AssertionFailedError("bug on damaged input:\n"
          + new String(bytes, StandardCharsets.UTF_8), e);
    }
  }

  @Provide
  Arbitrary<Integer> specIndex() {
    return Arbitraries.integers().between(0, SPECS.size() - 1);
  }

  private static byte[] apply(byte[] bytes, Mutation m) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
    int line = m.where() % Math.max(1, lines.size());
    switch (m.kind()) {
      case 0 -> lines.remove(line);
      case 1 -> lines.add(line, lines.get(line));
      case 2 -> lines.set(line, " " + lines.get(line));
      case 3 -> lines.set(line, lines.get(line).stripLeading());
      case 4 -> {
        int at = m.where() % (bytes.length + 1);
        byte[] out = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, out, 0, at);
        out[at] = (byte) m.what();
        System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
        return out;
      }
      case 5 -> {
        String chars = ":-[]{}&*!|>'\"%@`#,?\t ";
        String l = lines.get(line);
        int at = m.where() % (l.length() + 1);
        lines.set(line, l.substring(0, at) + chars.charAt(m.what() % chars.length())
            + l.substring(at));
      }
      case 6 -> {
        return Arrays.copyOf(bytes, m.where() % (bytes.length + 1));
      }
      default -> {
        int other = m.what() % Math.max(1, lines.size());
        String tmp = lines.get(line);
        lines.set(line, lines.get(other));
        lines.set(other, tmp);
      }
    }
    return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
  }
}

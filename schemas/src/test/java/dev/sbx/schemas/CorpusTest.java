package dev.sbx.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.schemas.model.LoadedKit;
import dev.sbx.schemas.model.Problem;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Real community kits: every v1/v2 spec loads and renders; v3 and the 7 invalid ones fail well. */
class CorpusTest {
  private final KitLoader loader = KitLoader.defaults();

  @Test
  void theCorpusHasAllItsKits() {
    assertTrue(Corpus.files("sbx-kits-contrib", "spec.y*ml").size() >= 99);
    assertEquals(7, Corpus.files("sbx-kits-contrib-invalid", "spec.yaml").size());
    assertTrue(Corpus.files("sbx-kits-contrib-v3", "*.yaml").size() >= 100);
  }

  @TestFactory
  Stream<DynamicTest> everyContribKitLoadsAndRenders() {
    return Corpus.files("sbx-kits-contrib", "spec.y*ml").stream().map(spec ->
        DynamicTest.dynamicTest(spec.getParent().getFileName().toString(), () -> {
          LoadedKit kit = loader.load(spec.getParent());
          String yaml = KitWriter.toYaml(kit.kit());
          assertTrue(yaml.startsWith("schemaVersion: '2'") || yaml.startsWith("schemaVersion: \"2\""),
              yaml);
          Path tmp = java.nio.file.Files.createTempFile("render", ".yaml");
          try {
            java.nio.file.Files.writeString(tmp, yaml);
            LoadedKit again = new KitLoader(KitLoadOptions.DEFAULTS.withReadFiles(false)).load(tmp);
            assertEquals(kit.kit().withFiles(List.of()), again.kit(), "render round trip");
          } finally {
            java.nio.file.Files.delete(tmp);
          }
        }));
  }

  @TestFactory
  Stream<DynamicTest> v3DescriptorsGiveOneClearError() {
    return Corpus.files("sbx-kits-contrib-v3", "*.yaml").stream().map(file ->
        DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
          ManifestException e = assertThrows(ManifestException.class, () -> loader.load(file));
          assertEquals(1, e.problems().size(), e.getMessage());
          assertEquals("schemaVersion 3 is not supported yet", e.problems().get(0).message());
          assertTrue(e.problems().get(0).position().line() > 1, "points at the schemaVersion line");
        }));
  }

  @TestFactory
  Stream<DynamicTest> v1KeysInV2FilesAreRejectedNamingKeyLineAndReplacement() {
    return Corpus.files("sbx-kits-contrib-invalid", "spec.yaml").stream().map(spec ->
        DynamicTest.dynamicTest(spec.getParent().getFileName().toString(), () -> {
          ManifestException e = assertThrows(ManifestException.class,
              () -> loader.load(spec.getParent()));
          assertFalse(e.problems().isEmpty());
          List<String> lines = java.nio.file.Files.readAllLines(spec);
          for (Problem p : e.problems()) {
            assertTrue(p.message().startsWith("v1 key '"), p.render());
            assertTrue(p.hint().startsWith("use "), p.render());
            String key = p.message().substring(8, p.message().indexOf('\'', 8));
            String lastSegment = key.contains(".") ? key.substring(key.lastIndexOf('.') + 1) : key;
            String line = lines.get(p.position().line() - 1);
            assertTrue(line.contains(lastSegment.replace("kind: ", "")),
                "line " + p.position().line() + " should hold " + key + ": " + line);
          }
        }));
  }
}

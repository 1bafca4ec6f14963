package dev.sbx.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The shipped schemas are 2020-12 with an $id, and docs/schemas holds identical copies. */
class SchemaFilesTest {
  @Test
  void everySchemaHasItsIdAndTheDocsCopyIsIdentical() throws IOException {
    Path docs = Path.of("").toAbsolutePath().getParent().resolve("docs/schemas");
    for (SchemaValidator.Kind kind : SchemaValidator.Kind.values()) {
      JsonNode schema = SchemaValidator.schemaNode(kind);
      assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asString());
      assertEquals("https://sbx.dev/schemas/" + kind.resource, schema.get("$id").asString());
      try (var in = SchemaValidator.class.getResourceAsStream(kind.resource)) {
        String shipped = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(shipped, Files.readString(docs.resolve(kind.resource)),
            "docs/schemas/" + kind.resource + " must equal the shipped resource; copy it");
      }
    }
    assertTrue(Files.isDirectory(docs));
  }
}

package dev.sbx.schemas;

import dev.sbx.schemas.model.Positions;
import dev.sbx.schemas.model.SourceFile;
import tools.jackson.databind.JsonNode;

/**
 * One parsed YAML document as a JSON tree, with the position of every node keyed by JSON pointer
 * into the tree AS WRITTEN.
 */
record YamlDocument(SourceFile file, int index, JsonNode root, Positions positions) {}

package dev.sbx.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's quick start is two commands, and the extraction {@link QuickStartIT} uses reads them as written. */
class QuickStartCommandsTest {
  @Test
  void readmeQuickStartIsTwoCommands() throws Exception {
    String readme = Files.readString(RepoRoot.find().resolve("README.md"), StandardCharsets.UTF_8);
    List<String> commands = QuickStartIT.quickStartCommands(readme);
    assertEquals(2, commands.size(), commands.toString());
    assertEquals(true, commands.get(0).contains("./sbx apply -f examples/quickstart"), commands.get(0));
    assertEquals(true, commands.get(1).startsWith("./mvnw -B verify"), commands.get(1));
  }

  @Test
  void extractionStopsAtTheSectionsFirstBlock() {
    String readme = "# x\n\n## Quick start\n\ntext\n\n```sh\na  # one\n\nb\n```\n\n```sh\nc\n```\n## Next\n```sh\nd\n```\n";
    assertEquals(List.of("a  # one", "b"), QuickStartIT.quickStartCommands(readme));
  }
}

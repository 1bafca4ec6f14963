package dev.sbx.reconciler.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestDirectoryTest {
  @TempDir Path dir;

  private void write(String relative, String text) throws IOException {
    Path f = dir.resolve(relative);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
  }

  @Test
  void findsSbxManifestsAndKitDirsSkippingKitTreesHiddenDirsAndOtherYaml() throws IOException {
    String sandbox = "apiVersion: sbx/v1\nkind: Sandbox\nmetadata: {name: a}\nspec: {agent: shell}\n";
    write("z/b.yml", sandbox);
    write("a.yaml", "# leading comment\napiVersion: \"sbx/v1\"\nkind: NetworkPolicy\n");
    write("kits/k1/spec.yaml", "schemaVersion: \"2\"\n");
    write("kits/k1/files/home/inside.yaml", sandbox);
    write(".git/x.yaml", sandbox);
    write("ci/workflow.yaml", "apiVersion: v1\nkind: ConfigMap\n");
    write("notes.txt", sandbox);
    Files.write(dir.resolve("binary.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0x00});
    ManifestDirectory found = ManifestDirectory.scan(dir);
    assertEquals(List.of(dir.resolve("a.yaml"), dir.resolve("z/b.yml")), found.manifestFiles());
    assertEquals(List.of(dir.resolve("kits/k1")), found.kitDirs());
  }
}

package dev.sbx.vm.microvm;

import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.image.Files2;
import dev.sbx.vm.qemu.VmLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * The runtime state directory: one directory per sandbox holding {@code sandbox.json} (name,
 * owner, spec hash, the spec), {@code vm.json} (pid, sockets' owner, readiness), its disk,
 * sockets and logs. Writes are atomic (temp file, fsync, rename).
 */
final class SandboxStore {
  private final Path root;

  SandboxStore(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  VmLayout layout(String name) {
    return new VmLayout(root.resolve(name));
  }

  boolean exists(String name) {
    return Files.isRegularFile(layout(name).metadata());
  }

  List<String> names() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(root)) {
      var names = new ArrayList<String>();
      dirs.filter(d -> Files.isRegularFile(d.resolve("sandbox.json")))
          .forEach(d -> names.add(d.getFileName().toString()));
      names.sort(null);
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void createDir(String name) throws IOException {
    Files.createDirectories(root);
    Files.createDirectory(root.resolve(name));
  }

  void writeSpec(SandboxSpec spec) throws IOException {
    writeAtomically(layout(spec.name()).metadata(), SpecJson.write(spec).toPrettyString());
  }

  Optional<SandboxSpec> readSpec(String name) {
    return readJson(layout(name).metadata()).map(SpecJson::read);
  }

  void writeRecord(String name, VmRecord record) throws IOException {
    writeAtomically(layout(name).runtime(), record.toJson().toPrettyString());
  }

  VmRecord readRecord(String name) {
    return readJson(layout(name).runtime()).map(VmRecord::fromJson).orElse(VmRecord.STOPPED);
  }

  void delete(String name) throws IOException {
    Files2.deleteTree(root.resolve(name));
  }

  private static Optional<JsonNode> readJson(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
      return Optional.of(SpecJson.JSON.readTree(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeAtomically(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}

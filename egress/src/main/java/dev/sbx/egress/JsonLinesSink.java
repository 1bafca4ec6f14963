package dev.sbx.egress;

import dev.sbx.egress.api.DecisionRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Appends decision records to a file, one JSON object per line, on its own thread so network
 * threads never wait on the disk.
 */
final class JsonLinesSink implements Consumer<DecisionRecord>, AutoCloseable {
  private final BufferedWriter out;
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "sbx-egress-log");
    t.setDaemon(true);
    return t;
  });

  JsonLinesSink(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open decision log " + file, e);
    }
  }

  @Override
  public void accept(DecisionRecord r) {
    String line = toJson(r);
    writer.execute(() -> {
      try {
        out.write(line);
        out.write('\n');
        out.flush();
      } catch (IOException e) {
        // The ring still has the record; a full disk must not take the proxy down.
      }
    });
  }

  static String toJson(DecisionRecord r) {
    StringBuilder sb = new StringBuilder(256);
    sb.append('{');
    field(sb, "time", r.time().toString()).append(',');
    field(sb, "sandbox", r.sandbox()).append(',');
    field(sb, "kind", r.kind()).append(',');
    field(sb, "host", r.host()).append(',');
    sb.append("\"port\":").append(r.port()).append(',');
    field(sb, "address", r.address()).append(',');
    field(sb, "rule", r.rule()).append(',');
    field(sb, "decision", r.decision()).append(',');
    field(sb, "reason", r.reason()).append(',');
    sb.append("\"status\":").append(r.status()).append(',');
    sb.append("\"bytes_up\":").append(r.bytesUp()).append(',');
    sb.append("\"bytes_down\":").append(r.bytesDown()).append(',');
    sb.append("\"decide_us\":").append(r.decideMicros()).append(',');
    sb.append("\"duration_ms\":").append(r.durationMillis());
    return sb.append('}').toString();
  }

  private static StringBuilder field(StringBuilder sb, String name, String value) {
    sb.append('"').append(name).append("\":\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"');
  }

  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
      out.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // Closing after the last flush; nothing left to lose.
    }
  }
}

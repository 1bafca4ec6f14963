package dev.sbx.reconciler.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bearer tokens of the remote API, in {@code STATE/api-tokens.json} (0600). Only the SHA-256 of
 * each token is stored: the token itself is shown once, by {@link #create}, and cannot be read back.
 * A presented token is hashed and compared with every stored hash in constant time
 * ({@link MessageDigest#isEqual}), all of them, so the time taken says nothing about which one
 * nearly matched. The file is re-read when it changes, so {@code sbx daemon token create|revoke}
 * takes effect on a running daemon without a restart.
 */
public final class ApiTokens {
  /** What the token format starts with, so a leaked one is recognisable (secret scanners). */
  public static final String PREFIX = "sbx_";
  public static final String FILE = "api-tokens.json";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One stored token: its name, when it was made, whether it may only read, and its hash. */
  public record Token(String name, Instant created, boolean readOnly, String sha256) {
    public Token {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(created, "created");
      Objects.requireNonNull(sha256, "sha256");
    }
  }

  /** A token just made: the record and the secret value (print it once, never store or log it). */
  public record Created(Token token, String secret) {
    @Override
    public String toString() {
      return "Created[" + token.name() + "]"; // never the secret
    }
  }

  private final Path file;
  private final Clock clock;
  private volatile Snapshot cache = new Snapshot(null, -1, List.of());

  private record Snapshot(FileTime modified, long size, List<Token> tokens) {}

  public ApiTokens(Path stateDir, Clock clock) {
    this.file = stateDir.resolve(FILE);
    this.clock = clock;
  }

  public ApiTokens(Path stateDir) {
    this(stateDir, Clock.systemUTC());
  }

  public Path file() {
    return file;
  }

  /** Makes a token; {@link IllegalArgumentException} for a bad or taken name (a user error). */
  public synchronized Created create(String name, boolean readOnly) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("token name '" + name + "' must be 1-63 of a-z 0-9 . _ - (starting with a letter or digit)");
    }
    List<Token> tokens = new ArrayList<>(list());
    if (tokens.stream().anyMatch(t -> t.name().equals(name))) {
      throw new IllegalArgumentException("a token named '" + name + "' exists; revoke it first or pick another name");
    }
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Token token = new Token(name, clock.instant(), readOnly, sha256(secret));
    tokens.add(token);
    write(tokens);
    return new Created(token, secret);
  }

  /** Removes a token; false when there is none of that name. */
  public synchronized boolean revoke(String name) {
    List<Token> tokens = new ArrayList<>(list());
    boolean removed = tokens.removeIf(t -> t.name().equals(name));
    if (removed) {
      write(tokens);
    }
    return removed;
  }

  /** The stored tokens (names, times, scopes; hashes, never secrets). */
  public List<Token> list() {
    try {
      if (!Files.exists(file)) {
        return List.of();
      }
      FileTime modified = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      Snapshot s = cache;
      if (modified.equals(s.modified()) && size == s.size()) {
        return s.tokens();
      }
      List<Token> tokens = read(Files.readString(file, StandardCharsets.UTF_8));
      cache = new Snapshot(modified, size, tokens);
      return tokens;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * The token {@code presented} stands for, if any. Every stored hash is compared (constant-time
   * each, no early exit), so timing does not leak which token or how much of it matched.
   */
  public Optional<Token> verify(String presented) {
    if (presented == null || presented.isEmpty()) {
      return Optional.empty();
    }
    byte[] hash = HexFormat.of().parseHex(sha256(presented));
    Token match = null;
    for (Token t : list()) {
      if (MessageDigest.isEqual(hash, HexFormat.of().parseHex(t.sha256())) && match == null) {
        match = t;
      }
    }
    return Optional.ofNullable(match);
  }

  static String sha256(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JDK", e);
    }
  }

  private static List<Token> read(String text) {
    List<Token> out = new ArrayList<>();
    JsonNode root = JSON.readTree(text);
    for (JsonNode n : root.path("tokens")) {
      out.add(new Token(n.path("name").asString(), Instant.parse(n.path("created").asString()),
          n.path("readOnly").asBoolean(), n.path("sha256").asString()));
    }
    return List.copyOf(out);
  }

  /** Atomically: a 0600 temp file, fsync, rename. */
  private void write(List<Token> tokens) {
    ObjectNode root = JSON.createObjectNode().put("formatVersion", 1);
    ArrayNode array = root.putArray("tokens");
    for (Token t : tokens) {
      array.addObject().put("name", t.name()).put("created", t.created().toString()).put("readOnly", t.readOnly())
          .put("sha256", t.sha256());
    }
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling("." + FILE + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, root.toPrettyString() + "\n", StandardCharsets.UTF_8);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      cache = new Snapshot(null, -1, List.of());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}

package dev.sbx.nativeagent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;

/**
 * The guest agent {@code sbx-agent} as shipped inside this jar: a static x86-64 Linux binary
 * that the initramfs builder installs as {@code /init}. The C build puts it at the classpath
 * resource {@link #RESOURCE}; this class is the one stable way to get at it.
 */
public final class GuestAgentBinary {

    /** Classpath resource holding the static binary. */
    public static final String RESOURCE = "/dev/sbx/nativeagent/sbx-agent";

    /** The wire protocol version the agent speaks ({@code version=} in HELLO). */
    public static final int PROTOCOL_VERSION = 1;

    private static final String PROPERTIES = "/dev/sbx/nativeagent/agent.properties";

    private GuestAgentBinary() {}

    /** The binary's bytes. */
    public static byte[] bytes() {
        try (InputStream in = open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
    }

    /**
     * Writes the binary to {@code target} (replacing it) with mode 0755 and returns
     * {@code target}. Parent directories must exist.
     */
    public static Path copyTo(Path target) throws IOException {
        Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".sbx-agent", ".tmp");
        try {
            try (InputStream in = open()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    /**
     * The agent's version, the same text it sends as {@code agent=sbx-agent/<version>} in HELLO.
     */
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = GuestAgentBinary.class.getResourceAsStream(PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + PROPERTIES + ": sbx-native was built incompletely");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + PROPERTIES, e);
        }
        return p.getProperty("version");
    }

    /** Hex SHA-256 of the binary: a cache key for images built around it. */
    public static String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static InputStream open() {
        InputStream in = GuestAgentBinary.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException(
                    "missing resource " + RESOURCE + ": sbx-native was built without gcc (see scripts/prepare-host.sh)");
        }
        return in;
    }
}

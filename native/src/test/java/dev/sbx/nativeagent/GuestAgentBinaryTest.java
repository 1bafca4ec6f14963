package dev.sbx.nativeagent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestAgentBinaryTest {
    private static final int PT_INTERP = 3;

    @Test
    void shipsAStaticX8664ElfExecutable() {
        ByteBuffer elf = ByteBuffer.wrap(GuestAgentBinary.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x464c457f, elf.getInt(0), "ELF magic");
        assertEquals(2, elf.get(4), "64-bit");
        assertEquals(2, elf.getShort(16), "ET_EXEC: not a PIE that needs a loader");
        assertEquals(62, elf.getShort(18), "x86-64");
        long phoff = elf.getLong(32);
        int phentsize = elf.getShort(54);
        int phnum = elf.getShort(56);
        for (int i = 0; i < phnum; i++) {
            int type = elf.getInt((int) (phoff + (long) i * phentsize));
            assertFalse(type == PT_INTERP, "a dynamic loader is requested: the initramfs has none");
        }
    }

    @Test
    void copyToWritesAnExecutableCopy(@TempDir Path dir) throws Exception {
        Path target = GuestAgentBinary.copyTo(dir.resolve("init"));
        assertArrayEquals(GuestAgentBinary.bytes(), Files.readAllBytes(target));
        assertEquals(PosixFilePermissions.fromString("rwxr-xr-x"), Files.getPosixFilePermissions(target));
        GuestAgentBinary.copyTo(target); // replacing works too
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void versionAndDigestDescribeTheBinary() {
        assertTrue(GuestAgentBinary.version().matches("\\d+\\.\\d+\\.\\d+.*"), GuestAgentBinary.version());
        assertTrue(GuestAgentBinary.sha256().matches("[0-9a-f]{64}"));
        assertEquals(1, GuestAgentBinary.PROTOCOL_VERSION);
    }
}

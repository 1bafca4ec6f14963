package dev.sbx.nativeagent;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One protocol frame as the test host sees it (PROTOCOL.md "Frames"). */
record Frame(int type, int stream, byte[] payload) {

    static final int HELLO = 0x01, PING = 0x02, PONG = 0x03, CONFIGURE = 0x04, CONFIGURED = 0x05,
            SHUTDOWN = 0x06, LOG = 0x07, EXEC = 0x10, STARTED = 0x11, STDIN = 0x12, STDOUT = 0x13,
            STDERR = 0x14, EXIT = 0x15, SIGNAL = 0x16, OPEN = 0x20, OPENED = 0x21, DATA = 0x22,
            CLOSE = 0x23, RESET = 0x24, CREDIT = 0x30;

    static final int MAX_PAYLOAD = 65536;
    static final int WINDOW = 262144;

    Frame {
        payload = payload.clone();
    }

    static Frame of(int type, int stream, List<String> tags) {
        return new Frame(type, stream, TaggedList.encode(tags));
    }

    static Frame credit(int stream, int bytes) {
        return new Frame(CREDIT, stream, ByteBuffer.allocate(4).putInt(bytes).array());
    }

    List<String> tags() {
        return TaggedList.decode(payload);
    }

    String tag(String key) {
        return TaggedList.get(tags(), key);
    }

    String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    byte[] encode() {
        return ByteBuffer.allocate(9 + payload.length).putInt(5 + payload.length).put((byte) type).putInt(stream)
                .put(payload).array();
    }

    @Override
    public String toString() {
        return String.format("Frame[type=0x%02x, stream=%d, %d bytes]", type, stream, payload.length);
    }
}

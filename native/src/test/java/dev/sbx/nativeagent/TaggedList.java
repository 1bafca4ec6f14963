package dev.sbx.nativeagent;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** String lists and tagged lists (PROTOCOL.md "Payload encodings"), test-side. */
final class TaggedList {
    private TaggedList() {}

    static byte[] encode(List<String> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(4).putInt(items.size()).array());
        for (String item : items) {
            byte[] b = item.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    static List<String> decode(byte[] payload) {
        if (payload.length == 0) {
            return List.of();
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        int count = b.getInt();
        if (count < 0 || count > b.remaining() / 4) {
            throw new IllegalArgumentException("not a string list: count " + count);
        }
        List<String> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] item = new byte[b.getInt()];
            b.get(item);
            items.add(new String(item, StandardCharsets.UTF_8));
        }
        if (b.hasRemaining()) {
            throw new IllegalArgumentException("trailing bytes after " + count + " items");
        }
        return items;
    }

    /** First value of {@code key}, or null. */
    static String get(List<String> tags, String key) {
        for (String t : tags) {
            if (t.startsWith(key + "=")) {
                return t.substring(key.length() + 1);
            }
        }
        return null;
    }

    /** Every value of a repeated {@code key}, in order. */
    static List<String> all(List<String> tags, String key) {
        return tags.stream().filter(t -> t.startsWith(key + "=")).map(t -> t.substring(key.length() + 1)).toList();
    }
}

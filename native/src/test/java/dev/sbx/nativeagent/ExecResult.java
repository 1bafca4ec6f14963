package dev.sbx.nativeagent;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** What one EXEC stream produced, collected by the test host. */
record ExecResult(int pid, byte[] stdout, byte[] stderr, List<String> exit) {
    ExecResult {
        stdout = stdout.clone();
        stderr = stderr.clone();
        exit = List.copyOf(exit);
    }

    String out() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    String err() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    String exitTag(String key) {
        return TaggedList.get(exit, key);
    }
}

package dev.sbx.nativeagent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every agent test again, against the same C sources built with AddressSanitizer and UBSan
 * ({@code make sanitized}); a sanitizer report in the agent's stderr fails the test.
 */
class SanitizedAgentIT extends AgentIT {
    @Override
    Path binary() {
        String path = System.getProperty("sbx.agent.sanitized");
        assertTrue(path != null && Files.isExecutable(Path.of(path)),
                "sanitized agent not built (property sbx.agent.sanitized=" + path + ")");
        return Path.of(path);
    }
}

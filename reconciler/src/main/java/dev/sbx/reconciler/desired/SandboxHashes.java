package dev.sbx.reconciler.desired;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Memo of a sandbox's two content hashes. Hashing (canonical JSON, SHA-256) dominates diff, and
 * the same value is hashed for the desired spec, the recorded one, the fingerprints and when a
 * record is read back. Records are immutable, so a value-keyed cache is safe; keys are weak so
 * the memo never keeps a sandbox alive.
 */
record SandboxHashes(String immutable, String live) {
  private static final Map<DesiredSandbox, SandboxHashes> MEMO = Collections.synchronizedMap(new WeakHashMap<>());

  static SandboxHashes of(DesiredSandbox s) {
    SandboxHashes h = MEMO.get(s);
    if (h == null) {
      h = new SandboxHashes(CanonicalJson.hash(s.immutableFields()), CanonicalJson.hash(s.live().canonicalFields()));
      MEMO.put(s, h);
    }
    return h;
  }
}

package dev.sbx.reconciler;

import dev.sbx.reconciler.desired.DesiredSandbox;
import dev.sbx.reconciler.desired.DesiredState;
import dev.sbx.reconciler.desired.DriftMode;
import dev.sbx.reconciler.desired.EgressSpec;
import dev.sbx.reconciler.desired.ImmutableSpec;
import dev.sbx.reconciler.desired.LiveSpec;
import dev.sbx.reconciler.desired.Mount;
import dev.sbx.reconciler.desired.Provenance;
import dev.sbx.reconciler.desired.Resources;
import dev.sbx.reconciler.desired.SecretBinding;
import dev.sbx.reconciler.desired.SourceRef;
import java.util.List;
import java.util.Map;

/** Small builders for desired sandboxes used across the reconciler tests. */
public final class Fixtures {
  public static final String SOURCE = "dir:/srv/gitops";

  private Fixtures() {}

  public static DesiredSandbox sandbox(String name) {
    return new DesiredSandbox(
        name,
        "claude",
        new ImmutableSpec(
            "sbx/claude:1", "debian-cloud-6.1", List.of("apt-get install -y ripgrep"), new Resources(2, 2048),
            "/srv/work/" + name, List.of(new Mount("/srv/docs", true))),
        new LiveSpec(
            new EgressSpec("deny-all", List.of("api.github.com:443"), List.of("*.pastebin.com")),
            List.of(new SecretBinding("github", "gh-token", List.of("api.github.com"))),
            Map.of("EDITOR", "vi"),
            List.of("echo ready")),
        DriftMode.CORRECT,
        new Provenance(SOURCE, "sandboxes/" + name + ".yaml:3"));
  }

  public static DesiredSandbox withAllow(DesiredSandbox s, String... allow) {
    LiveSpec l = s.live();
    return withLive(s, new LiveSpec(new EgressSpec(l.egress().defaultMode(), List.of(allow), l.egress().deny()),
        l.secrets(), l.env(), l.startup()));
  }

  public static DesiredSandbox withLive(DesiredSandbox s, LiveSpec live) {
    return new DesiredSandbox(s.name(), s.agent(), s.immutable(), live, s.drift(), s.provenance());
  }

  public static DesiredSandbox withInstall(DesiredSandbox s, String... install) {
    ImmutableSpec i = s.immutable();
    return new DesiredSandbox(s.name(), s.agent(),
        new ImmutableSpec(i.imageRef(), i.kernel(), List.of(install), i.resources(), i.workspace(), i.mounts()),
        s.live(), s.drift(), s.provenance());
  }

  public static DesiredSandbox withDrift(DesiredSandbox s, DriftMode mode) {
    return new DesiredSandbox(s.name(), s.agent(), s.immutable(), s.live(), mode, s.provenance());
  }

  public static DesiredState state(String revision, DesiredSandbox... sandboxes) {
    return DesiredState.of(new SourceRef(SOURCE, revision), List.of(sandboxes));
  }
}

package dev.sbx.vm.microvm;

import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.image.GuestImage;
import dev.sbx.vm.image.InitramfsBuilder;
import dev.sbx.vm.image.KernelProvider;
import java.io.IOException;
import dev.sbx.nativeagent.GuestAgentBinary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Assembles the guest image once per runtime: the kernel ({@link KernelProvider}), busybox
 * ({@code SBX_BUSYBOX}, default {@code /bin/busybox} of busybox-static) and the guest agent
 * ({@code SBX_AGENT}, else the binary shipped in the {@code native} jar).
 */
final class GuestImages {
  private final Path cacheDir;
  private final Map<String, String> env;
  private GuestImage image;
  private GuestImage imageRoot;

  GuestImages(Path cacheDir, Map<String, String> env) {
    this.cacheDir = cacheDir;
    this.env = Map.copyOf(env);
  }

  /** The busybox root (no image). */
  synchronized GuestImage image() {
    if (image == null) {
      image = build(null);
    }
    return image;
  }

  /** The same initramfs, told to switch to the image sandbox's root disk. */
  synchronized GuestImage imageRoot() {
    if (imageRoot == null) {
      imageRoot = build(dev.sbx.vm.image.GuestLayout.IMAGE_ROOT);
    }
    return imageRoot;
  }

  private GuestImage build(String rootSpec) {
    var kernel = new KernelProvider(cacheDir, env).kernel();
    Path busybox = Path.of(env.getOrDefault("SBX_BUSYBOX", "/bin/busybox"));
    if (!Files.isExecutable(busybox)) {
      throw new SandboxException(SandboxException.Kind.ENVIRONMENT, null,
          busybox + " is missing: install busybox-static (scripts/prepare-host.sh) or set SBX_BUSYBOX");
    }
    try {
      return new InitramfsBuilder(cacheDir).build(kernel, agentBinary(), Files.readAllBytes(busybox),
          InitramfsBuilder.busyboxApplets(busybox), rootSpec);
    } catch (IOException e) {
      throw new SandboxException(SandboxException.Kind.ENVIRONMENT, null, "cannot read " + busybox, e);
    }
  }

  private byte[] agentBinary() throws IOException {
    String configured = env.get("SBX_AGENT");
    if (configured != null && !configured.isBlank()) {
      return Files.readAllBytes(Path.of(configured));
    }
    try {
      return GuestAgentBinary.bytes();
    } catch (IllegalStateException e) {
      throw new SandboxException(SandboxException.Kind.ENVIRONMENT, null,
          e.getMessage() + "; or set SBX_AGENT to a static sbx-agent", e);
    }
  }
}

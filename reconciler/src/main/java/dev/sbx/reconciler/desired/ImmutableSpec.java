package dev.sbx.reconciler.desired;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The part of a sandbox a VM is built from; any change means replace ({@code -/+}).
 *
 * <p>Order: {@code installCommands} keep their order (they run in sequence, so order is part of the
 * meaning). {@code mounts} are a set keyed by path: they are sorted by path here, so two specs
 * listing the same mounts in another order are equal and hash the same. {@code workspace} is the
 * empty string when the sandbox has none.
 */
public record ImmutableSpec(
    String imageRef,
    String kernel,
    List<String> installCommands,
    Resources resources,
    String workspace,
    List<Mount> mounts) {

  public ImmutableSpec {
    Objects.requireNonNull(imageRef, "imageRef");
    Objects.requireNonNull(kernel, "kernel");
    installCommands = List.copyOf(installCommands);
    Objects.requireNonNull(resources, "resources");
    workspace = workspace == null ? "" : workspace;
    List<Mount> sorted = new ArrayList<>(mounts);
    sorted.sort(Comparator.comparing(Mount::path));
    var seen = new HashSet<String>();
    for (Mount m : sorted) {
      if (!seen.add(m.path())) {
        throw new IllegalArgumentException("mount path listed twice: " + m.path());
      }
    }
    mounts = List.copyOf(sorted);
  }

  /** Field name to canonical value; the names are those used in plans ({@code install}, ...). */
  public Map<String, Object> canonicalFields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("image", imageRef);
    fields.put("kernel", kernel);
    fields.put("install", installCommands);
    fields.put("resources", resources.canonical());
    fields.put("workspace", workspace);
    List<Object> ms = new ArrayList<>();
    mounts.forEach(m -> ms.add(m.canonical()));
    fields.put("mounts", ms);
    return fields;
  }
}

package dev.sbx.vm.image.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/** Properties of the reference parser: canonical form round-trips, normalisation is idempotent, junk is refused. */
class ImageReferencePropertiesTest {

  @Property(tries = 500)
  void canonicalFormParsesBackToTheSameReference(@ForAll("references") String text) {
    ImageReference r = ImageReference.parse(text);
    assertEquals(r, ImageReference.parse(r.toString()));
    assertEquals(r, ImageReference.parse(r.familiar()), "the short form means the same image");
  }

  @Property(tries = 500)
  void partsSurviveParsing(@ForAll("registries") String registry, @ForAll("repositories") String repo,
      @ForAll("tags") String tag, @ForAll("digests") String digest) {
    ImageReference r = ImageReference.parse(registry + "/" + repo + ":" + tag + "@" + digest);
    assertEquals(registry, r.registry());
    assertEquals(repo, r.repository());
    assertEquals(tag, r.tag());
    assertEquals(digest, r.manifestReference());
  }

  @Property(tries = 300)
  void dockerHubNamesWithoutSlashGetLibrary(@ForAll("components") String name, @ForAll("tags") String tag) {
    ImageReference r = ImageReference.parse(name + ":" + tag);
    assertEquals("docker.io", r.registry());
    assertEquals("library/" + name, r.repository());
    assertEquals(ImageReference.parse("docker.io/library/" + name + ":" + tag), r);
  }

  @Property(tries = 500)
  void anythingElseIsAnOciExceptionNeverAnotherError(@ForAll @StringLength(max = 80) String junk) {
    try {
      ImageReference r = ImageReference.parse(junk);
      assertEquals(r, ImageReference.parse(r.toString()));
    } catch (OciException e) {
      assertEquals(OciException.Kind.INVALID_REFERENCE, e.kind());
    }
  }

  @Property(tries = 200)
  void upperCaseRepositoriesAreRefused(@ForAll("registries") String registry, @ForAll("components") String c) {
    String upper = c.toUpperCase(java.util.Locale.ROOT);
    if (upper.equals(c)) {
      return; // only digits and separators: nothing to upper-case
    }
    assertThrows(OciException.class, () -> ImageReference.parse(registry + "/" + upper));
  }

  @Provide
  Arbitrary<String> components() {
    Arbitrary<String> alnum = Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> sep = Arbitraries.of(".", "_", "__", "-", "--");
    return Combinators.combine(alnum, sep, alnum, Arbitraries.of(true, false))
        .as((a, s, b, two) -> two ? a + s + b : a);
  }

  @Provide
  Arbitrary<String> repositories() {
    return components().list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("/", l));
  }

  @Provide
  Arbitrary<String> registries() {
    Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(10);
    Arbitrary<String> dotted = label.list().ofMinSize(2).ofMaxSize(3).map(l -> String.join(".", l));
    Arbitrary<String> port = Arbitraries.integers().between(1, 65535).map(p -> ":" + p);
    Arbitrary<String> host = Arbitraries.oneOf(dotted, Arbitraries.just("localhost"), Arbitraries.just("127.0.0.1"),
        Arbitraries.just("[::1]"));
    return Combinators.combine(host, port.injectNull(0.4)).as((h, p) -> h + (p == null ? "" : p))
        .filter(r -> !r.startsWith("docker.io") && !r.startsWith("index.docker.io"));
  }

  @Provide
  Arbitrary<String> tags() {
    Arbitrary<Character> first = Arbitraries.chars().alpha().numeric().with('_');
    Arbitrary<String> rest = Arbitraries.strings().alpha().numeric().withChars('_', '.', '-').ofMaxLength(20);
    return Combinators.combine(first, rest).as((f, r) -> f + r);
  }

  @Provide
  Arbitrary<String> digests() {
    return Arbitraries.strings().withChars("0123456789abcdef").ofLength(64).map(h -> "sha256:" + h);
  }

  @Provide
  Arbitrary<String> references() {
    Arbitrary<String> reg = registries().injectNull(0.5);
    return Combinators.combine(reg, repositories(), tags().injectNull(0.3), digests().injectNull(0.7))
        .as((g, r, t, d) -> (g == null ? "" : g + "/") + r + (t == null ? "" : ":" + t) + (d == null ? "" : "@" + d));
  }
}

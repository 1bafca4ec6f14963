package dev.sbx.vm.image.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ImageNameTest {
  @Test
  void addsLatestAndKeepsHostsPortsAndDigests() {
    assertEquals("debian:latest", ImageName.normalize("debian"));
    assertEquals("debian:bookworm", ImageName.normalize("debian:bookworm"));
    assertEquals("localhost:5000/team/app:v1.2", ImageName.normalize("localhost:5000/team/app:v1.2"));
    assertEquals("example.com/app:latest", ImageName.normalize("example.com/app"));
    String d = "sha256:" + "0".repeat(64);
    assertEquals("example.com/app@" + d, ImageName.normalize("example.com/app@" + d));
  }

  @Test
  void rejectsWhatOciRejects() {
    for (String bad : new String[] {"", "Debian", "app:", "a//b", "app:-x", "app@sha256:12", "-app", "app/"}) {
      assertFalse(ImageName.isValid(bad), bad);
    }
  }

  @Property(tries = 200)
  void normalizingTwiceChangesNothing(@ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 20) String name,
      @ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 10) String tag) {
    String ref = name.toLowerCase(java.util.Locale.ROOT) + ":" + tag;
    assertTrue(ImageName.isValid(ref), ref);
    String once = ImageName.normalize(ref);
    assertEquals(once, ImageName.normalize(once));
  }
}

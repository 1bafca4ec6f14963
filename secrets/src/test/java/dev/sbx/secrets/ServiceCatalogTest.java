package dev.sbx.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.secrets.api.ServiceDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceCatalogTest {

  @Test
  void builtInTableHasTheReferenceFormats() {
    ServiceCatalog c = ServiceCatalog.builtIn();
    ServiceDefinition anthropic = c.find("anthropic").orElseThrow();
    assertEquals("x-api-key", anthropic.headerName());
    assertEquals("%s", anthropic.valueFormat());
    assertEquals(List.of("api.anthropic.com"), anthropic.domains());
    assertEquals("token %s", c.find("github").orElseThrow().valueFormat());
    assertEquals(List.of("GH_TOKEN", "GITHUB_TOKEN"), c.find("github").orElseThrow().envVars());
    assertEquals("x-goog-api-key", c.find("google").orElseThrow().headerName());
    for (String bearer : List.of("openai", "groq", "mistral", "xai", "nebius", "openrouter")) {
      assertEquals("Bearer %s", c.find(bearer).orElseThrow().valueFormat(), bearer);
      assertEquals("Authorization", c.find(bearer).orElseThrow().headerName(), bearer);
    }
    assertFalse(c.find("aws").orElseThrow().injectable(), "SigV4 cannot be injected as a header");
    assertTrue(c.services().stream().filter(ServiceDefinition::injectable).allMatch(s -> s.valueFormat().contains("%s")));
  }
}

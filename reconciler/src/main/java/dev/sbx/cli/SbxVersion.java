package dev.sbx.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version Maven wrote into the jar manifest; "dev" when run from classes. */
final class SbxVersion implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Sbx.class.getPackage().getImplementationVersion();
    return new String[] {"sbx " + (version == null ? "dev" : version)};
  }
}

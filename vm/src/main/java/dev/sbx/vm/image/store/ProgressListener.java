package dev.sbx.vm.image.store;

/** Receives one human-readable line per step of a long operation (the CLI prints them). */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = line -> { };

  void step(String line);
}

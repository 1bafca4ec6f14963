package dev.sbx.cli.output;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code --color=auto|always|never}, declared once on the root command and inherited by every
 * subcommand ({@link ScopeType#INHERIT}), so no command class needs an edit; {@link Output#of}
 * finds it through the command tree.
 */
public final class ColorOption {
  @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto", scope = ScopeType.INHERIT,
      converter = Converter.class,
      description = "Colour the output: auto (only on a terminal and without NO_COLOR), always or never.")
  ColorMode mode = ColorMode.AUTO;

  public ColorMode mode() {
    return mode;
  }

  /** Lower-case names on the command line. */
  public static final class Converter implements ITypeConverter<ColorMode> {
    @Override
    public ColorMode convert(String value) {
      try {
        return ColorMode.parse(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}

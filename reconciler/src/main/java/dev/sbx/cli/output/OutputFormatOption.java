package dev.sbx.cli.output;

import java.io.PrintWriter;
import java.util.function.Supplier;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code -o table|json|yaml} for every command that lists or shows something, as a picocli mixin:
 *
 * <pre>
 * &#64;Mixin OutputFormatOption output;
 * ...
 * output.print(json, () -&gt; table);   // the JSON tree is the one source; the table is built only when shown
 * </pre>
 *
 * The JSON and YAML renderings come from the same tree, so their fields are the same; the table is
 * for people and may leave fields out. The table header is bold when colour is on ({@link Output}).
 */
public final class OutputFormatOption {
  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", converter = Converter.class,
      description = "Output format: table, json or yaml (default: ${DEFAULT-VALUE}).")
  OutputFormat format = OutputFormat.TABLE;

  public OutputFormat format() {
    return format;
  }

  public boolean structured() {
    return format != OutputFormat.TABLE;
  }

  /** Prints {@code data} as JSON or YAML, or the table {@code table} builds. */
  public void print(JsonNode data, Supplier<Table> table) {
    PrintWriter out = spec.commandLine().getOut();
    switch (format) {
      case JSON -> out.print(Structured.json(data));
      case YAML -> out.print(Structured.yaml(data));
      case TABLE -> table.get().print(out, Output.of(spec).style());
    }
    out.flush();
  }

  /** Lets picocli report a bad {@code -o} as a usage error (exit 2) with our message. */
  public static final class Converter implements ITypeConverter<OutputFormat> {
    @Override
    public OutputFormat convert(String value) {
      try {
        return OutputFormat.parse(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}

package dev.sbx.vm.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A tagged list ({@code tag=value} items, the first {@code =} splits, repeated tags append,
 * unknown tags ignored by readers). Builders keep insertion order.
 */
public final class Tags {
  private final List<String> items;

  private Tags(List<String> items) {
    this.items = items;
  }

  public static Tags create() {
    return new Tags(new ArrayList<>());
  }

  public static Tags decode(byte[] payload) throws ProtocolException {
    return new Tags(new ArrayList<>(StringList.decode(payload)));
  }

  public Tags add(String tag, String value) {
    if (tag.isEmpty() || tag.indexOf('=') >= 0) {
      throw new IllegalArgumentException("bad tag name: " + tag);
    }
    items.add(tag + "=" + value);
    return this;
  }

  public byte[] encode() {
    return StringList.encode(items);
  }

  /** The first value of {@code tag}. */
  public Optional<String> first(String tag) {
    return all(tag).stream().findFirst();
  }

  public List<String> all(String tag) {
    var values = new ArrayList<String>();
    String prefix = tag + "=";
    for (String item : items) {
      if (item.startsWith(prefix)) {
        values.add(item.substring(prefix.length()));
      }
    }
    return values;
  }

  public List<String> items() {
    return List.copyOf(items);
  }

  @Override
  public String toString() {
    return items.toString();
  }
}

package dev.sbx.cli.dashboard;

/** One key press as the dashboard understands it; {@code codePoint} only for {@link Type#CHAR}. */
record Key(Type type, int codePoint) {
  enum Type { CHAR, UP, DOWN, LEFT, RIGHT, PAGE_UP, PAGE_DOWN, HOME, END, ENTER, BACKSPACE, ESCAPE, CTRL_C, CTRL_D,
    EOF, UNKNOWN }

  static Key of(Type type) {
    return new Key(type, 0);
  }

  static Key ch(int codePoint) {
    return new Key(Type.CHAR, codePoint);
  }

  boolean is(char c) {
    return type == Type.CHAR && codePoint == c;
  }
}

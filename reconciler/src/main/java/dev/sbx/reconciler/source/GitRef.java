package dev.sbx.reconciler.source;

import java.util.Objects;
import java.util.regex.Pattern;

/** What to follow in a repository: a branch, a tag or one commit. */
public sealed interface GitRef permits GitRef.Branch, GitRef.Tag, GitRef.Commit {

  /** The name shown in source ids: {@code main}, {@code tags/v1}, the commit id. */
  String display();

  /** True when a push of {@code fullRef} ({@code refs/heads/main}) can move this ref. */
  boolean movedBy(String fullRef);

  static GitRef branch(String name) {
    return new Branch(name);
  }

  static GitRef tag(String name) {
    return new Tag(name);
  }

  static GitRef commit(String id) {
    return new Commit(id);
  }

  record Branch(String name) implements GitRef {
    public Branch {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String display() {
      return name;
    }

    @Override
    public boolean movedBy(String fullRef) {
      return fullRef.equals("refs/heads/" + name);
    }
  }

  record Tag(String name) implements GitRef {
    public Tag {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String display() {
      return "tags/" + name;
    }

    @Override
    public boolean movedBy(String fullRef) {
      return fullRef.equals("refs/tags/" + name);
    }
  }

  /** A fixed commit never moves; a push still triggers a fetch in case it was not there yet. */
  record Commit(String id) implements GitRef {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");

    public Commit {
      Objects.requireNonNull(id, "id");
      if (!HEX.matcher(id).matches()) {
        throw new IllegalArgumentException("a commit is a full hex object id, not '" + id + "'");
      }
    }

    @Override
    public String display() {
      return id;
    }

    @Override
    public boolean movedBy(String fullRef) {
      return true;
    }
  }
}

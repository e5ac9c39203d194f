package io.memflow.row;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The ordered fields of a row: each with a name, a {@link FieldType} and whether it may be null.
 * Built with {@link #builder()}; field {@code i} is the {@code i}-th field added.
 *
 * <p>Immutable and thread-safe; owns nothing. Invariants: at least one field, names unique and
 * non-blank.
 */
public final class RowSchema {

  /**
   * One field of a schema.
   *
   * @param name the field's name, unique in its schema
   * @param type the field's type
   * @param nullable whether the field may hold null
   */
  public record Field(String name, FieldType type, boolean nullable) {
    /** Checks that name and type are present and the name is not blank. */
    public Field {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      if (name.isBlank()) {
        throw new IllegalArgumentException("field name=\"" + name + "\" must not be blank");
      }
    }

    // Written out: a record's generated equals and hashCode are bootstrapped at run time, which
    // spins method-handle classes in every JVM that compares schemas (the start-up cache keeps none).
    @Override
    public boolean equals(Object o) {
      return o instanceof Field other && name.equals(other.name) && type == other.type && nullable == other.nullable;
    }

    @Override
    public int hashCode() {
      return (name.hashCode() * 31 + type.hashCode()) * 31 + Boolean.hashCode(nullable);
    }

    @Override
    public String toString() {
      return name + " " + type + (nullable ? " NULL" : " NOT NULL");
    }
  }

  private final List<Field> fields;
  private final Map<String, Integer> indexByName;
  /** The fields' types by index: rows check a type on every access, so this is an array. */
  private final FieldType[] types;

  private RowSchema(List<Field> fields, Map<String, Integer> indexByName) {
    this.fields = List.copyOf(fields);
    this.indexByName = Map.copyOf(indexByName);
    this.types = this.fields.stream().map(Field::type).toArray(FieldType[]::new);
  }

  /** A builder for a new schema. */
  public static Builder builder() {
    return new Builder();
  }

  /** The number of fields, at least 1. */
  public int fieldCount() {
    return fields.size();
  }

  /** The fields in order (an immutable list). */
  public List<Field> fields() {
    return fields;
  }

  /**
   * Field {@code index}.
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= index < fieldCount()}
   */
  public Field field(int index) {
    return fields.get(checkIndex(index));
  }

  /** The type of field {@code index}. */
  public FieldType type(int index) {
    return types[checkIndex(index)];
  }

  /** Whether field {@code index} may be null. */
  public boolean isNullable(int index) {
    return field(index).nullable();
  }

  /**
   * The index of the field called {@code name}.
   *
   * @throws IllegalArgumentException if there is no such field
   */
  public int indexOf(String name) {
    Integer index = indexByName.get(name);
    if (index == null) {
      throw new IllegalArgumentException("no field name=\"" + name + "\" in " + this);
    }
    return index;
  }

  /**
   * The schema of some of this schema's fields: field {@code k} of the result is field {@code
   * fields[k]} of this one (name, type and nullability kept).
   *
   * @throws IndexOutOfBoundsException if an index is not a field of this schema
   * @throws IllegalArgumentException if an index repeats (names must stay unique)
   * @throws IllegalStateException if {@code fields} is empty
   */
  public RowSchema project(int... fields) {
    Builder builder = builder();
    for (int field : fields) {
      builder.add(field(field));
    }
    return builder.build();
  }

  /** Checks {@code 0 <= index < fieldCount()} and returns {@code index}. */
  int checkIndex(int index) {
    if (index < 0 || index >= types.length) {
      throw new IndexOutOfBoundsException("field=" + index + " fieldCount=" + types.length);
    }
    return index;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RowSchema other && fields.equals(other.fields);
  }

  @Override
  public int hashCode() {
    return fields.hashCode();
  }

  @Override
  public String toString() {
    return "RowSchema" + fields;
  }

  /** Collects fields in order. Not thread-safe; {@link #build()} may be called more than once. */
  public static final class Builder {
    private final List<Field> fields = new ArrayList<>();
    private final Map<String, Integer> indexByName = new HashMap<>();

    private Builder() {}

    /** Adds a field that is never null. */
    public Builder field(String name, FieldType type) {
      return add(new Field(name, type, false));
    }

    /** Adds a field that may be null. */
    public Builder nullableField(String name, FieldType type) {
      return add(new Field(name, type, true));
    }

    /**
     * Adds {@code field}.
     *
     * @throws IllegalArgumentException if a field of that name exists already
     */
    public Builder add(Field field) {
      Integer previous = indexByName.putIfAbsent(field.name(), fields.size());
      if (previous != null) {
        throw new IllegalArgumentException(
            "duplicate field name=\"" + field.name() + "\": field " + fields.size() + " and field " + previous);
      }
      fields.add(field);
      return this;
    }

    /**
     * The schema of the fields added so far.
     *
     * @throws IllegalStateException if no field was added
     */
    public RowSchema build() {
      if (fields.isEmpty()) {
        throw new IllegalStateException("a schema needs at least one field, fieldCount=0");
      }
      return new RowSchema(fields, indexByName);
    }
  }
}

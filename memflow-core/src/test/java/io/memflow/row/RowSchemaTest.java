package io.memflow.row;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RowSchemaTest {

  @Test
  void fieldsKeepTheirOrderNamesTypesAndNullability() {
    RowSchema schema = RowSchema.builder()
        .field("id", FieldType.LONG).nullableField("name", FieldType.STRING).field("score", FieldType.DOUBLE).build();
    assertThat(schema.fieldCount()).isEqualTo(3);
    assertThat(schema.indexOf("name")).isEqualTo(1);
    assertThat(schema.type(2)).isEqualTo(FieldType.DOUBLE);
    assertThat(schema.isNullable(1)).isTrue();
    assertThat(schema.isNullable(0)).isFalse();
    assertThat(schema.toString()).isEqualTo("RowSchema[id LONG NOT NULL, name STRING NULL, score DOUBLE NOT NULL]");
  }

  @Test
  void anEmptySchemaIsRejected() {
    assertThatThrownBy(() -> RowSchema.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one field, fieldCount=0");
  }

  @Test
  void aDuplicateNameIsRejectedNamingBothFields() {
    RowSchema.Builder builder = RowSchema.builder().field("a", FieldType.INT).field("b", FieldType.INT);
    assertThatThrownBy(() -> builder.nullableField("a", FieldType.STRING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duplicate field name=\"a\": field 2 and field 0");
  }

  @Test
  void blankOrMissingNamesAndTypesAreRejected() {
    assertThatThrownBy(() -> RowSchema.builder().field(" ", FieldType.INT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be blank");
    assertThatThrownBy(() -> RowSchema.builder().field(null, FieldType.INT)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> RowSchema.builder().field("a", null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void unknownNamesAndIndexesAreReportedWithTheOperands() {
    RowSchema schema = RowSchema.builder().field("a", FieldType.INT).build();
    assertThatThrownBy(() -> schema.indexOf("b")).hasMessageContaining("no field name=\"b\"");
    assertThatThrownBy(() -> schema.field(1))
        .isInstanceOf(IndexOutOfBoundsException.class).hasMessage("field=1 fieldCount=1");
  }

  @Test
  void fieldsAreEqualExactlyWhenNameTypeAndNullabilityAre() {
    RowSchema.Field field = new RowSchema.Field("a", FieldType.LONG, false);
    assertThat(field).isEqualTo(new RowSchema.Field("a", FieldType.LONG, false))
        .hasSameHashCodeAs(new RowSchema.Field("a", FieldType.LONG, false))
        .isNotEqualTo(new RowSchema.Field("b", FieldType.LONG, false))
        .isNotEqualTo(new RowSchema.Field("a", FieldType.INT, false))
        .isNotEqualTo(new RowSchema.Field("a", FieldType.LONG, true))
        .isNotEqualTo("a LONG NOT NULL");
    assertThat(RowSchema.builder().field("a", FieldType.LONG).build())
        .isNotEqualTo(RowSchema.builder().nullableField("a", FieldType.LONG).build());
  }
}

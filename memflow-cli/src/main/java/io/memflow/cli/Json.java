package io.memflow.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON writer for the CLI's flat reports: objects of strings, numbers, booleans, lists
 * and nested objects, written in insertion order. Not thread-safe; one per document.
 */
final class Json {

  private final List<String> members = new ArrayList<>();

  Json put(String name, long value) {
    return raw(name, Long.toString(value));
  }

  Json put(String name, boolean value) {
    return raw(name, Boolean.toString(value));
  }

  Json put(String name, String value) {
    return raw(name, quote(value));
  }

  Json put(String name, Json value) {
    return raw(name, value.toString());
  }

  Json put(String name, Map<String, String> value) {
    Json object = new Json();
    value.forEach(object::put);
    return put(name, object);
  }

  Json putObjects(String name, List<Json> values) {
    return raw(name, "[" + String.join(", ", values.stream().map(Json::toString).toList()) + "]");
  }

  Json putStrings(String name, List<String> values) {
    return raw(name, "[" + String.join(", ", values.stream().map(Json::quote).toList()) + "]");
  }

  Json putNumbers(String name, List<? extends Number> values) {
    return raw(name, values.toString());
  }

  private Json raw(String name, String json) {
    members.add(quote(name) + ": " + json);
    return this;
  }

  @Override
  public String toString() {
    return "{" + String.join(", ", members) + "}";
  }

  static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}

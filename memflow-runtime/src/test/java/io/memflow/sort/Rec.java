package io.memflow.sort;

import io.memflow.memory.view.DataInputView;
import io.memflow.memory.view.DataOutputView;
import io.memflow.serialization.Serializers;
import io.memflow.serialization.TypeSerializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A test record: a long key, an int secondary key and a payload of any length. */
record Rec(long key, int secondary, String payload) {

  static final TypeSerializer<Rec> SERIALIZER = new TypeSerializer<>() {
    @Override
    public void serialize(Rec value, DataOutputView target) throws IOException {
      target.writeLong(value.key);
      target.writeInt(value.secondary);
      Serializers.STRING.serialize(value.payload, target);
    }

    @Override
    public Rec deserialize(DataInputView source) throws IOException {
      long key = source.readLong();
      int secondary = source.readInt();
      return new Rec(key, secondary, Serializers.STRING.deserialize(source));
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
      serialize(deserialize(source), target);
    }

    @Override
    public int getLength() {
      return -1;
    }
  };

  /** {@code n} records with keys in {@code [0, keyRange)} and payloads up to {@code maxPayload} chars. */
  static List<Rec> random(Random random, int n, int keyRange, int maxPayload) {
    List<Rec> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long key = keyRange <= 0 ? random.nextLong() : random.nextInt(keyRange) - keyRange / 2;
      list.add(new Rec(key, random.nextInt(4), payload(random, random.nextInt(maxPayload + 1))));
    }
    return list;
  }

  static String payload(Random random, int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append((char) ('a' + random.nextInt(26)));
    }
    return s.toString();
  }

  @Override
  public String toString() {
    return "Rec[" + key + "," + secondary + ",len=" + payload.length() + "]";
  }
}

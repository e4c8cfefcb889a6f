package io.celestialflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.spi.TaskOutcome;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * The log's blocks (version 4): every field of every event read back as encoded, whatever the jumps
 * between ids; what does not fit refused; a chain's events a few bytes each; any damage noticed.
 */
class LineageBlockFormatTest {
  private static final List<String> STAGES = List.of("a", "b", "c");

  /** One event as encoded: task, parent, stage, kind, attempt, time. */
  private record Event(long task, long parent, int stage, int kind, int attempt, long at) {}

  /**
   * Appends one event to a block, as a batch of one; whether it was recorded (not if it does not
   * fit a record, counted as such, or if it has no id: the run tracks none).
   */
  private static boolean append(LineageBlockFormat.Encoder encoder, Event e) {
    int records = encoder.records();
    assertThat(
            encoder.events(
                new LineageBuffers.OneAttempt(
                    "r", STAGES.get(0), e.task(), e.parent(), e.attempt(), outcome(e.kind())),
                0,
                e.stage(),
                e.at(),
                LineageBlockFormat::newBody))
        .as("the block had room")
        .isOne();
    boolean recorded = encoder.records() > records;
    assertThat(encoder.takeUnfit()).isEqualTo(recorded || e.task() == 0 ? 0 : 1);
    return recorded;
  }

  /** The engine's outcome of an event kind's code. */
  static TaskOutcome outcome(int kind) {
    for (TaskOutcome o : TaskOutcome.values()) {
      if (LineageEvent.Kind.of(o).code() == kind) {
        return o;
      }
    }
    throw new IllegalArgumentException("no outcome has code " + kind);
  }

  /** Encodes events into one block, as the engine's buffers do. */
  private static Entry.LineageBlock encode(List<Event> events) {
    LineageBlockFormat.Encoder encoder = new LineageBlockFormat.Encoder();
    for (Event e : events) {
      assertThat(encoder.hasRoom()).isTrue();
      assertThat(append(encoder, e)).as("%s", e).isTrue();
    }
    return encoder.take("r", STAGES, new ConcurrentLinkedQueue<>());
  }

  /** The header a writer puts before the block, read back. */
  private static LineageBlockFormat.Header header(Entry.LineageBlock b) {
    return LineageBlockFormat.Header.parse(
        LineageBlockFormat.header(b.body(), b.length(), b.records(), b.events()), 0);
  }

  /**
   * Decodes a block as a reader of the log would, checking its header and body: two words per
   * record.
   */
  static long[] words(Entry.LineageBlock b) {
    LineageBlockFormat.Header h = header(b);
    assertThat(h.problem()).isNull();
    long[] words = new long[2 * h.records()];
    assertThat(LineageBlockFormat.decode(h, Arrays.copyOf(b.body(), b.length()), words)).isNull();
    return words;
  }

  /** Decodes a block; the events, with the time before each. */
  private static List<Event> decode(Entry.LineageBlock b) {
    LineageBlockFormat.Header h = header(b);
    long[] words = words(b);
    List<Event> out = new ArrayList<>();
    long at = -1;
    for (int r = 0; r < h.records(); r++) {
      long w0 = words[2 * r];
      long w1 = words[2 * r + 1];
      assertThat(LineageRecord.problem(w0, w1, STAGES.size())).isNull();
      if (LineageRecord.isTime(w0)) {
        at = LineageRecord.time(w1);
      } else {
        out.add(
            new Event(
                LineageRecord.task(w0),
                LineageRecord.parent(w1),
                LineageRecord.stage(w0),
                LineageRecord.kind(w1),
                LineageRecord.attempt(w1),
                at));
      }
    }
    return out;
  }

  @Test
  void everyFieldReadsBackWhateverTheJumpsBetweenEvents() {
    SplittableRandom random = new SplittableRandom(42);
    for (int round = 0; round < 50; round++) {
      List<Event> events = new ArrayList<>();
      long task = 1 + random.nextLong(1000);
      long parent = random.nextLong(1000);
      long at = 1_764_806_400_000L;
      int n = 1 + random.nextInt(LineageBlockFormat.MAX_RECORDS / 2 - 1);
      for (int i = 0; i < n; i++) {
        switch (random.nextInt(4)) {
          case 0 -> task++;
          case 1 -> task = 1 + random.nextLong(LineageRecord.MAX_ID); // any jump, back or forth
          default -> task = Math.max(1, task + random.nextInt(-50, 50));
        }
        switch (random.nextInt(5)) {
          case 0 -> parent = 0;
          case 1 -> parent = random.nextLong(LineageRecord.MAX_ID + 1);
          case 2 -> parent = Math.max(0, parent + random.nextInt(-50, 50));
          default -> parent++;
        }
        if (random.nextInt(20) == 0) {
          at += random.nextInt(3);
        }
        int attempt = random.nextInt(10) == 0 ? 1 + random.nextInt(LineageRecord.MAX_ATTEMPT) : 1;
        events.add(
            new Event(
                task,
                parent,
                random.nextInt(STAGES.size()),
                1 + random.nextInt(LineageEvent.Kind.values().length),
                attempt,
                at));
      }
      assertThat(decode(encode(events))).containsExactlyElementsOf(events);
    }
  }

  @Test
  void fieldsAtTheirLimitsReadBack() {
    List<Event> events =
        List.of(
            new Event(1, 0, 0, 1, 1, 0),
            new Event(LineageRecord.MAX_ID, LineageRecord.MAX_ID, 2, 4, 1, 0),
            new Event(1, 1, 1, 3, LineageRecord.MAX_ATTEMPT, LineageRecord.MAX_TIME),
            new Event(LineageRecord.MAX_ID, 0, 0xFFFE, 2, 7, 5));
    // stage 0xFFFE is not one of the three: read back, and refused by the record's check
    Entry.LineageBlock b = encode(events);
    LineageBlockFormat.Header h = header(b);
    long[] words = new long[2 * h.records()];
    assertThat(LineageBlockFormat.decode(h, Arrays.copyOf(b.body(), b.length()), words)).isNull();
    assertThat(LineageRecord.stage(words[2 * (h.records() - 1)])).isEqualTo(0xFFFE);
    assertThat(decode(encode(events.subList(0, 3))))
        .containsExactlyElementsOf(events.subList(0, 3));
  }

  /** A block of large records ends when its bytes run out, before its record count does. */
  @Test
  void aBlockOfLargeRecordsEndsWhenItsBytesRunOut() {
    LineageBlockFormat.Encoder encoder = new LineageBlockFormat.Encoder();
    List<Event> events = new ArrayList<>();
    for (int i = 0; encoder.hasRoom(); i++) {
      // ids swinging across the whole range, a new time, stage and attempt each: every field
      // written
      Event e =
          new Event(
              i % 2 == 0 ? LineageRecord.MAX_ID - i : 1 + i,
              i % 2 == 0 ? 1 + i : LineageRecord.MAX_ID - i,
              i % 3,
              1 + i % 4,
              LineageRecord.MAX_ATTEMPT - i,
              LineageRecord.MAX_TIME - i);
      assertThat(append(encoder, e)).as("%s", e).isTrue();
      events.add(e);
    }
    Entry.LineageBlock b = encoder.take("r", STAGES, new ConcurrentLinkedQueue<>());
    assertThat(b.records()).isLessThan(LineageBlockFormat.MAX_RECORDS - 2);
    assertThat(b.length())
        .isBetween(
            LineageBlockFormat.MAX_BODY - 2 * LineageBlockFormat.MAX_RECORD,
            LineageBlockFormat.MAX_BODY);
    assertThat(decode(b)).containsExactlyElementsOf(events);
  }

  @Test
  void anEventThatDoesNotFitIsRefusedAndNothingIsWritten() {
    LineageBlockFormat.Encoder encoder = new LineageBlockFormat.Encoder();
    long[][] bad = {
      {0, 0, 1, 5}, // task 0: no id, left out uncounted
      {LineageRecord.MAX_ID + 1, 0, 1, 5},
      {1, -1, 1, 5},
      {1, LineageRecord.MAX_ID + 1, 1, 5},
      {1, 0, 0, 5}, // attempt 0
      {1, 0, LineageRecord.MAX_ATTEMPT + 1, 5},
      {1, 0, 1, -1}, // time
      {1, 0, 1, LineageRecord.MAX_TIME + 1},
    };
    for (long[] e : bad) {
      assertThat(append(encoder, new Event(e[0], e[1], 0, 1, (int) e[2], e[3])))
          .as("task %d, parent %d, attempt %d, time %d", e[0], e[1], e[2], e[3])
          .isFalse();
      assertThat(encoder.records()).isZero();
    }
  }

  /** What makes lineage cheap: a chain's events, ids and parents counting up, take few bytes. */
  @Test
  void aChainsEventsTakeAFewBytesEach() {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      // three stages' events of one input, at the time they were handed over in a batch
      events.add(new Event(1 + i, 0, 0, 1, 1, 1_764_806_400_000L + i / 1000));
    }
    for (int i = 0; i < 4000; i++) {
      events.add(new Event(1_000_001 + 2 * i, 1 + i, 1, 1, 1, 1_764_806_400_004L));
    }
    Entry.LineageBlock first = encode(events.subList(0, 4000));
    Entry.LineageBlock second = encode(events.subList(4000, 8000));
    assertThat(first.length()).isLessThan(4000 + 5 * 8);
    assertThat(second.length()).isLessThan(4000 * 2 + 8 + 8);
    assertThat(decode(second)).containsExactlyElementsOf(events.subList(4000, 8000));
  }

  /**
   * Encodes batches of one stage at one time each into blocks, taking a block whenever the encoder
   * stops for want of room; the blocks' bodies, concatenated, and the rows left out as unfit.
   */
  private static byte[] encodeBatches(List<SettledColumns> batches, int stage, long at) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    List<Event> decoded = new ArrayList<>();
    LineageBlockFormat.Encoder encoder = new LineageBlockFormat.Encoder();
    long unfit = 0;
    for (SettledColumns rows : batches) {
      for (int i = encoder.events(rows, 0, stage, at, LineageBlockFormat::newBody);
          i < rows.size();
          i = encoder.events(rows, i, stage, at, LineageBlockFormat::newBody)) {
        Entry.LineageBlock b = encoder.take("r", STAGES, new ConcurrentLinkedQueue<>());
        out.writeBytes(Arrays.copyOf(b.body(), b.length()));
        decoded.addAll(decode(b));
      }
      unfit += encoder.takeUnfit();
    }
    if (encoder.records() > 0) {
      Entry.LineageBlock b = encoder.take("r", STAGES, new ConcurrentLinkedQueue<>());
      out.writeBytes(Arrays.copyOf(b.body(), b.length()));
      decoded.addAll(decode(b));
    }
    List<Event> expected = new ArrayList<>();
    long expectedUnfit = 0;
    for (SettledColumns r : batches) {
      for (int i = 0; i < r.size(); i++) {
        if (r.ids()[i] == 0) {
          continue;
        }
        if (!LineageRecord.eventFits(r.ids()[i], r.parents()[i], r.attempts()[i])) {
          expectedUnfit++;
          continue;
        }
        int kind = LineageEvent.Kind.of(r.outcomes()[i]).code();
        expected.add(new Event(r.ids()[i], r.parents()[i], stage, kind, r.attempts()[i], at));
      }
    }
    assertThat(decoded).containsExactlyElementsOf(expected);
    assertThat(unfit).isEqualTo(expectedUnfit);
    return out.toByteArray();
  }

  /** The same rows as batches of one. */
  private static List<SettledColumns> oneByOne(List<SettledColumns> batches) {
    List<SettledColumns> single = new ArrayList<>();
    for (SettledColumns r : batches) {
      for (int i = 0; i < r.size(); i++) {
        single.add(
            new SettledColumns(
                r.stage(),
                new long[] {r.ids()[i]},
                new long[] {r.parents()[i]},
                new int[] {r.attempts()[i]},
                new TaskOutcome[] {r.outcomes()[i]}));
      }
    }
    return single;
  }

  /**
   * A batch's runs of chain events (inputs, or outputs of consecutive parents) are written a tag
   * byte each at once: every event reads back, and the bytes, the blocks' ends and the rows left
   * out are exactly those of the same events appended one by one, whatever breaks the runs (a
   * failure, a retry, an id or a parent out of step, no id, ids past the largest a record holds).
   */
  @Test
  void aBatchIsEncodedAsItsEventsOneByOne() {
    SplittableRandom random = new SplittableRandom(7);
    for (int round = 0; round < 40; round++) {
      List<SettledColumns> batches = new ArrayList<>();
      long task = round % 8 == 0 ? LineageRecord.MAX_ID - 3000 : 1 + random.nextLong(1000);
      long chained = round % 8 == 4 ? LineageRecord.MAX_ID - 500 : random.nextLong(1000);
      for (int k = 0; k < 30; k++) {
        int n = 1 + random.nextInt(256); // up to the engine's batch size
        SettledColumns rows =
            new SettledColumns(
                STAGES.get(0), new long[n], new long[n], new int[n], new TaskOutcome[n]);
        boolean inputs = random.nextBoolean();
        for (int i = 0; i < n; i++) {
          task++;
          chained += inputs ? 0 : 1;
          long parent = inputs ? 0 : chained;
          rows.attempts()[i] = 1;
          rows.outcomes()[i] = TaskOutcome.SUCCEEDED;
          switch (random.nextInt(40)) {
            case 0 -> rows.outcomes()[i] = TaskOutcome.FAILED;
            case 1 -> rows.attempts()[i] = 2;
            case 2 -> task += random.nextInt(-5, 5);
            case 3 -> parent = chained = Math.max(0, chained + random.nextInt(-5, 5));
            case 4 -> inputs = !inputs;
            default -> {}
          }
          rows.ids()[i] = random.nextInt(200) == 0 ? 0 : task;
          rows.parents()[i] = parent;
        }
        batches.add(rows);
      }
      long at = 1_764_806_400_000L + round;
      assertThat(encodeBatches(batches, round % 3, at))
          .as("round %d", round)
          .isEqualTo(encodeBatches(oneByOne(batches), round % 3, at));
    }
  }

  @Test
  void anyFlippedBitOfABlockIsNoticed() {
    List<Event> events = new ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      events.add(new Event(i * 3, i / 2, i % 3, 1 + i % 4, 1 + i % 3, 1_764_806_400_000L + i / 7));
    }
    Entry.LineageBlock b = encode(events);
    byte[] body = Arrays.copyOf(b.body(), b.length());
    ByteBuffer header = LineageBlockFormat.header(body, b.length(), b.records(), b.events());
    long[] words = new long[2 * b.records()];
    for (int bit = 0; bit < 8 * body.length; bit++) {
      byte[] damaged = body.clone();
      damaged[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThat(
              LineageBlockFormat.decode(LineageBlockFormat.Header.parse(header, 0), damaged, words))
          .as("bit %d of the body", bit)
          .isNotNull();
    }
    for (int bit = 0; bit < 8 * LineageBlockFormat.HEADER; bit++) {
      ByteBuffer damaged = ByteBuffer.allocate(LineageBlockFormat.HEADER).put(header.duplicate());
      damaged.put(bit / 8, (byte) (damaged.get(bit / 8) ^ (1 << (bit % 8))));
      LineageBlockFormat.Header h = LineageBlockFormat.Header.parse(damaged.clear(), 0);
      String problem = h.problem();
      if (problem == null) { // only a flip in the body's checksum leaves the header sound
        assertThat(bit).isGreaterThanOrEqualTo(96);
        problem = LineageBlockFormat.decode(h, body, new long[2 * h.records()]);
      }
      assertThat(problem).as("bit %d of the header", bit).isNotNull();
    }
  }
}

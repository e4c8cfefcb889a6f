package io.celestialflow.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The commit script's short form (docs/protocol.md 5.2): an entry written as its id, {@code =} and
 * its message does what the last append written in full does, with its own message — including when
 * that append was a dead letter's optional result, and when the entry is lost or bad; and the
 * packed form (section 3.5), all or nothing.
 */
@ExtendWith(RedisExtension.class)
class CommitScriptTest {
  private static final String TASKS = "t:tasks";

  @Test
  void anEntryInTheShortFormRepeatsTheLastAppendWrittenInFull(RedisServer server) {
    try (Jedis j = server.client()) {
      j.xgroupCreate(TASKS, "g", new StreamEntryID(0, 0), true);
      for (int k = 0; k < 6; k++) {
        j.xadd(TASKS, StreamEntryID.NEW_ENTRY, Map.of("m", "task" + k));
      }
      List<StreamEntry> es =
          j.xreadGroup(
                  "g",
                  "w",
                  XReadGroupParams.xReadGroupParams().count(6),
                  Map.of(TASKS, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY))
              .get(0)
              .getValue();
      // Entry 4 is claimed by another worker meanwhile: lost, whatever its form.
      claim(j, "other", es.get(4).getID());
      j.set("bad", "not a stream");
      List<String> args = new ArrayList<>(List.of("g", "w", "1", "6"));
      args.add(es.get(0).getID().toString());
      args.add(es.get(5).getID().toString());
      // 0: a result in full (key 2, ttl); 1: the same in the short form.
      args.addAll(List.of(id(es, 0), "1", "2", "r", "60000", "r0", id(es, 1), "=", "r1"));
      // 2: a dead letter (key 3) and its optional result to a key that is not a stream (key 4);
      // 3: the short form repeats the optional result only: not written, and not bad.
      args.addAll(List.of(id(es, 2), "2", "3", "d", "100", "dead2", "4", "o", "0", "x2"));
      args.addAll(List.of(id(es, 3), "=", "x3"));
      // 4: lost (short form); 5: a required result to the key that is not a stream: bad.
      args.addAll(List.of(id(es, 4), "=", "x4", id(es, 5), "1", "4", "r", "0", "x5"));
      Object reply = Scripts.COMMIT.run(j, List.of(TASKS, "results", "dead", "bad"), args);

      assertThat(reply).isInstanceOf(List.class);
      List<?> l = (List<?>) reply;
      assertThat(ResultWriter.ids(l.get(0))).containsExactly(id(es, 4));
      assertThat(ResultWriter.ids(l.get(1))).containsExactly(id(es, 5));
      assertThat(messages(j, "results")).containsExactly("r0", "r1");
      assertThat(j.pttl("results")).isPositive();
      assertThat(messages(j, "dead")).containsExactly("dead2");
      assertThat(j.type("bad")).isEqualTo("string");
      // Written entries are acknowledged and deleted; the lost and the bad one stay pending.
      assertThat(j.xlen(TASKS)).isEqualTo(2);
      assertThat(j.xpending(TASKS, "g").getTotal()).isEqualTo(2);
    }
  }

  @Test
  void thePackedFormWritesItsPacksAndAcknowledgesAllOrNothing(RedisServer server) {
    try (Jedis j = server.client()) {
      j.xgroupCreate(TASKS, "g", new StreamEntryID(0, 0), true);
      List<StreamEntry> es = deliver(j, 300);
      List<String> packs = List.of("pack-1", "pack-2");
      // One entry claimed by another worker: nothing is written, nothing acknowledged.
      claim(j, "other", es.get(7).getID());
      assertThat(packed(j, es, packs, "results")).isEqualTo(List.of(List.of(), List.of(), "again"));
      assertThat(j.exists("results")).isFalse();
      assertThat(j.xpending(TASKS, "g").getTotal()).isEqualTo(300);
      // A reply key that is not a stream: the same.
      claim(j, "w", es.get(7).getID());
      j.set("bad", "not a stream");
      assertThat(packed(j, es, packs, "bad")).isEqualTo(List.of(List.of(), List.of(), "again"));
      assertThat(j.xpending(TASKS, "g").getTotal()).isEqualTo(300);
      // All owned: the packs are written, in order, and every entry acknowledged and deleted.
      assertThat(packed(j, es, packs, "results")).isEqualTo(List.of(List.of(), List.of()));
      assertThat(messages(j, "results")).containsExactlyElementsOf(packs);
      assertThat(j.pttl("results")).isPositive();
      assertThat(j.xlen(TASKS)).isZero();
      assertThat(j.xpending(TASKS, "g").getTotal()).isZero();
    }
  }

  /** Gives a pending entry to {@code consumer}, as a reaper's claim would. */
  private static void claim(Jedis j, String consumer, StreamEntryID entry) {
    j.xclaim(
        TASKS, "g", consumer, 0, redis.clients.jedis.params.XClaimParams.xClaimParams(), entry);
  }

  /** Delivers {@code n} new entries of the task stream to consumer w. */
  private static List<StreamEntry> deliver(Jedis j, int n) {
    for (int k = 0; k < n; k++) {
      j.xadd(TASKS, StreamEntryID.NEW_ENTRY, Map.of("m", "task" + k));
    }
    return j.xreadGroup(
            "g",
            "w",
            XReadGroupParams.xReadGroupParams().count(n),
            Map.of(TASKS, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY))
        .get(0)
        .getValue();
  }

  /** Commits every entry of {@code es} in the packed form, with these packs, to {@code reply}. */
  private static Object packed(Jedis j, List<StreamEntry> es, List<String> packs, String reply) {
    List<String> args = new ArrayList<>(List.of("g", "w", "P", "1", Integer.toString(es.size())));
    args.add(id(es, 0));
    args.add(id(es, es.size() - 1));
    args.addAll(List.of("2", "60000", Integer.toString(packs.size())));
    args.addAll(packs);
    for (int k = 0; k < es.size(); k++) {
      args.add(id(es, k));
    }
    return Scripts.COMMIT.run(j, List.of(TASKS, reply), args);
  }

  private static String id(List<StreamEntry> es, int k) {
    return es.get(k).getID().toString();
  }

  private static List<String> messages(Jedis j, String stream) {
    return j.xrange(stream, (StreamEntryID) null, null).stream()
        .map(e -> e.getFields().get("m"))
        .toList();
  }
}

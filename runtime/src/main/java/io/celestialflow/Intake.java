package io.celestialflow;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Where a stage's workers take their tasks: the stage's inbox first, then the input lists the stage
 * reads itself ({@link ListInput}) when the inbox is empty; once those are used up, the inbox
 * alone, waiting while it is empty.
 */
final class Intake {
  private final RunEngine run;
  private final Inbox inbox;
  private ListInput[] lists = new ListInput[0];

  Intake(RunEngine run, Inbox inbox) {
    this.run = run;
    this.inbox = inbox;
  }

  /** An input list this stage's workers read themselves; set before the run starts. */
  void readsFrom(ListInput input) {
    ListInput[] more = Arrays.copyOf(lists, lists.length + 1);
    more[lists.length] = input;
    lists = more;
  }

  /**
   * Takes the next tasks without waiting: from the inbox, else from an input list this stage reads.
   *
   * @return the tasks, or null if none are waiting now
   */
  @Nullable Chunk poll(int consumers, int max) {
    Chunk chunk = inbox.poll(consumers, max);
    return chunk != null || lists.length == 0 ? chunk : pullList(consumers, max);
  }

  private @Nullable Chunk pullList(int consumers, int max) {
    for (ListInput list : lists) {
      Chunk chunk = list.pull(consumers, max);
      if (chunk != null) {
        return chunk;
      }
    }
    return null;
  }

  /**
   * Takes the next tasks, waiting if there are none; ignores interrupts that are not a
   * cancellation.
   */
  @Nullable Chunk next(int consumers, int max) throws InterruptedException {
    if (lists.length > 0) {
      Chunk chunk = poll(consumers, max);
      if (chunk != null) {
        return chunk; // an empty inbox with lists to read: read them first, then wait
      }
    }
    while (true) {
      try {
        return inbox.take(consumers, max);
      } catch (InterruptedException e) {
        if (run.isCancelled()) {
          throw e;
        }
      }
    }
  }
}

package io.celestialflow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A stage's queue of waiting tasks, stored as {@link Chunk}s.
 *
 * <p>Bounded by {@code capacity} tasks for producers that {@linkplain #put put} with {@code
 * blocking = true}: they wait while the inbox is full (a whole chunk is accepted once there is any
 * room, so the inbox may exceed its capacity by one chunk per producer). Non-blocking puts are
 * always accepted: they are used on edges that close a cycle and for retries (at most the tasks the
 * stage had claimed), which must never wait on the stage they feed. {@link #offer} adds only when
 * there is room, for producers that must not wait but must not overfill either (the linger
 * flushes).
 *
 * <p>Consumers {@linkplain #take take} up to a maximum number of tasks at once; with several
 * workers each takes a fair share of what is waiting (guided self-scheduling), so slow tasks spread
 * over all workers while fast tasks still move in large chunks. Small chunks are merged.
 *
 * <p>Locks are {@code java.util.concurrent} locks, never {@code synchronized}, so virtual threads
 * that wait here do not pin their carrier.
 */
final class Inbox {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
  private final int capacity;

  /**
   * Waiting producers are woken only once the inbox has drained to here (half the capacity), so
   * that each wake-up lets them hand over many chunks: waking a parked producer costs microseconds,
   * which per chunk would be tens of nanoseconds per task.
   */
  private final int lowWater;

  /** Written only under the lock; volatile so that status snapshots can read it without it. */
  private volatile int size;

  private boolean closed;
  private int waitingProducers;
  private volatile @Nullable Thread wakeOnPut;

  Inbox(int capacity) {
    this.capacity = capacity;
    this.lowWater = capacity / 2;
  }

  /**
   * Adds a chunk.
   *
   * @return false if the inbox is closed (the chunk was not added)
   */
  boolean put(Chunk chunk, boolean blocking) throws InterruptedException {
    lock.lock();
    try {
      if (blocking) {
        while (size >= capacity && !closed) {
          waitingProducers++;
          try {
            notFull.await();
          } finally {
            waitingProducers--;
          }
        }
      }
      if (closed) {
        return false;
      }
      addLocked(chunk);
    } finally {
      lock.unlock();
    }
    wakeSleeper();
    return true;
  }

  /**
   * Adds a chunk only if that needs no waiting: the inbox is open and, if {@code bounded}, below
   * its capacity. {@code beforeAdd} runs under the lock just before the chunk becomes visible (the
   * producer's accounting).
   *
   * @return false if the chunk was not added (full or closed): the caller keeps it
   */
  boolean offer(Chunk chunk, boolean bounded, Runnable beforeAdd) {
    lock.lock();
    try {
      if (closed || (bounded && size >= capacity)) {
        return false;
      }
      beforeAdd.run();
      addLocked(chunk);
    } finally {
      lock.unlock();
    }
    wakeSleeper();
    return true;
  }

  @SuppressWarnings("NonAtomicVolatileUpdate") // size is only written under the lock
  private void addLocked(Chunk chunk) {
    chunks.addLast(chunk);
    size += chunk.size();
    notEmpty.signal();
  }

  /** Unparks the consumer that sleeps waiting for this inbox and something else, if any. */
  private void wakeSleeper() {
    Thread sleeper = wakeOnPut;
    if (sleeper != null) {
      LockSupport.unpark(sleeper);
    }
  }

  /**
   * Takes up to {@code max} tasks, waiting while the inbox is empty.
   *
   * @param consumers how many workers share this inbox; each takes about {@code 1/consumers} of
   *     what is waiting
   * @param max the most tasks to take
   * @return the tasks, or null once the inbox is closed and empty
   */
  @SuppressWarnings("NonAtomicVolatileUpdate") // size is only written under the lock
  @Nullable Chunk take(int consumers, int max) throws InterruptedException {
    lock.lock();
    try {
      while (size == 0) {
        if (closed) {
          return null;
        }
        notEmpty.await();
      }
      Chunk out = takeLocked(consumers, max);
      if (size > 0) {
        notEmpty.signal();
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /**
   * How many tasks one of {@code consumers} workers asks for when {@code waiting} wait: all it may
   * ({@code max}) when it is alone, else its share of what waits (guided self-scheduling), at least
   * one.
   */
  static int fairShare(int waiting, int consumers, int max) {
    return consumers <= 1 ? max : Math.max(1, Math.min(max, (waiting + consumers - 1) / consumers));
  }

  /** Takes a fair share for one of {@code consumers} workers, at most {@code max}; size > 0. */
  @SuppressWarnings("NonAtomicVolatileUpdate") // size is only written under the lock
  private Chunk takeLocked(int consumers, int max) {
    Chunk out = extract(fairShare(size, consumers, max));
    size -= out.size();
    if (waitingProducers > 0 && size <= lowWater) {
      notFull.signalAll();
    }
    return out;
  }

  private Chunk extract(int want) {
    Chunk head = chunks.getFirst();
    int headSize = head.size();
    if (headSize > want) {
      Chunk part = new Chunk(head.items, head.from, head.from + want);
      head.from += want;
      return part;
    }
    chunks.removeFirst();
    if (headSize * 2 > want || chunks.isEmpty()) {
      return head;
    }
    // Merge small chunks (single results of async or virtual-thread stages, retries) so the
    // consumer still pays one hand-off per many tasks.
    Object[] merged = new Object[Math.min(want, size)];
    System.arraycopy(head.items, head.from, merged, 0, headSize);
    int n = headSize;
    while (n < merged.length && !chunks.isEmpty()) {
      Chunk next = chunks.getFirst();
      int take = Math.min(next.size(), merged.length - n);
      System.arraycopy(next.items, next.from, merged, n, take);
      n += take;
      if (take == next.size()) {
        chunks.removeFirst();
      } else {
        next.from += take;
      }
    }
    return new Chunk(merged, 0, n);
  }

  /**
   * Takes up to {@code max} tasks if any are waiting, without waiting.
   *
   * @return the tasks, or null if the inbox is empty
   */
  @SuppressWarnings("NonAtomicVolatileUpdate") // size is only written under the lock
  @Nullable Chunk poll(int consumers, int max) {
    if (size == 0) {
      return null;
    }
    lock.lock();
    try {
      return size == 0 ? null : takeLocked(consumers, max);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Names a thread to unpark after every put (or none): a consumer that sleeps with {@link
   * LockSupport#park} because it also waits for something else than this inbox.
   */
  void wakeOnPut(@Nullable Thread thread) {
    this.wakeOnPut = thread;
  }

  /** Refuses further puts and wakes every waiting thread; takes drain what is left, then end. */
  void close() {
    lock.lock();
    try {
      closed = true;
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Removes every waiting task without keeping them; returns how many there were. */
  @SuppressWarnings("NonAtomicVolatileUpdate") // size is only written under the lock
  int discard() {
    lock.lock();
    try {
      int n = size;
      chunks.clear();
      size = 0;
      notFull.signalAll();
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Removes and returns every waiting task (envelopes included). */
  List<Object> drain() {
    lock.lock();
    try {
      List<Object> all = new ArrayList<>(size);
      for (Chunk c : chunks) {
        for (int i = c.from; i < c.to; i++) {
          all.add(c.items[i]);
        }
      }
      chunks.clear();
      size = 0;
      notFull.signalAll();
      return all;
    } finally {
      lock.unlock();
    }
  }

  int size() {
    return size;
  }

  boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  int capacity() {
    return capacity;
  }
}

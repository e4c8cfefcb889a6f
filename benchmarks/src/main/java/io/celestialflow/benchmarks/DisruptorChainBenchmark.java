package io.celestialflow.benchmarks;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.celestialflow.Execution;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The three-stage chain of {@link ChainBenchmark} against a real peer: an LMAX Disruptor pipeline
 * of three event handlers, one thread each ({@code x + 1}, then {@code x * 2}, then {@code x - 1}
 * and the sum), fed by one publisher; the same million tasks, boxed, on both sides. The Disruptor
 * waits with {@link BlockingWaitStrategy}, as the chain's threads do (busy-spinning four threads on
 * a two-core machine would measure the scheduler). The score is tasks per second end to end; the
 * target is at least half the Disruptor's throughput.
 */
@State(Scope.Benchmark)
@Fork(1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(DisruptorChainBenchmark.TASKS)
public class DisruptorChainBenchmark {
  /** Tasks per invocation. */
  public static final int TASKS = 1_000_000;

  private static final int RING = 1 << 16;

  /** One slot of the ring: the task in flight through the three handlers. */
  static final class Slot {
    long value;
  }

  private List<Long> tasks = List.of();

  @SuppressWarnings("NullAway.Init")
  private TaskStage<Long, Long> first;

  @SuppressWarnings("NullAway.Init")
  private TaskStage<Long, Long> last;

  @SuppressWarnings("NullAway.Init")
  private TaskGraph graph;

  @SuppressWarnings("NullAway.Init")
  private Disruptor<Slot> disruptor;

  @SuppressWarnings("NullAway.Init")
  private RingBuffer<Slot> ring;

  /** What the last handler saw of the current invocation; published by the latch. */
  private final Tally tally = new Tally();

  /** Owned by the last handler's thread between two invocations. */
  static final class Tally {
    long sum;
    long handled;
    long expected;
    volatile CountDownLatch done = new CountDownLatch(0);
  }

  /** Creates the benchmark state; JMH calls {@link #setUp()} before use. */
  public DisruptorChainBenchmark() {}

  /** Builds the chain and starts the Disruptor's handler threads. */
  @Setup(Level.Trial)
  public void setUp() {
    tasks = Workloads.tasks(TASKS);
    first = TaskStage.map("plus-one", Workloads::chainFirst).execution(Execution.serial()).build();
    TaskStage<Long, Long> second =
        TaskStage.map("times-two", Workloads::chainSecond).execution(Execution.serial()).build();
    last = TaskStage.map("minus-one", Workloads::chainThird).execution(Execution.serial()).build();
    graph =
        TaskGraph.builder("chain-vs-disruptor")
            .stages(first, second, last)
            .edge(first, second)
            .edge(second, last)
            .build();

    disruptor =
        new Disruptor<>(
            Slot::new,
            RING,
            Thread.ofPlatform().daemon(true).factory(),
            ProducerType.SINGLE,
            new BlockingWaitStrategy());
    EventHandler<Slot> plusOne = (s, seq, end) -> s.value = Workloads.chainFirst(s.value);
    EventHandler<Slot> timesTwo = (s, seq, end) -> s.value = Workloads.chainSecond(s.value);
    EventHandler<Slot> minusOne =
        (s, seq, end) -> {
          tally.sum += Workloads.chainThird(s.value);
          if (++tally.handled == tally.expected) {
            tally.done.countDown();
          }
        };
    disruptor.handleEventsWith(plusOne).then(timesTwo).then(minusOne);
    ring = disruptor.start();
  }

  /** Stops the Disruptor and closes the graph. */
  @TearDown(Level.Trial)
  public void tearDown() {
    disruptor.shutdown();
    graph.close();
  }

  /**
   * The peer: publish every task into the ring; the three handlers pass it on.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long baseline() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    tally.sum = 0;
    tally.handled = 0;
    tally.expected = TASKS;
    tally.done = done; // the volatile write publishes the reset to the handler thread
    for (Long x : tasks) {
      long seq = ring.next();
      ring.get(seq).value = x; // unboxed as it enters the slot, like any Disruptor user would
      ring.publish(seq);
    }
    done.await();
    return Workloads.verify("disruptor", Workloads.sumOfChain(TASKS), tally.sum);
  }

  /**
   * CelestialFlow: a run of the three-stage chain.
   *
   * @return the verified sum of the results
   */
  @Benchmark
  public long celestialFlow() {
    LongAdder sum = new LongAdder();
    GraphResult result =
        graph.newRun().input(first, tasks).discardOutputs().onOutput(last, sum::add).run();
    Workloads.verify("chain celestialFlow", result, last, TASKS);
    return Workloads.verify("chain celestialFlow", Workloads.sumOfChain(TASKS), sum.sum());
  }
}

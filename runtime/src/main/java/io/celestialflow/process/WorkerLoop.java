package io.celestialflow.process;

import io.celestialflow.Routed;
import io.celestialflow.StageKind;
import io.celestialflow.TaskConsumer;
import io.celestialflow.TaskFunction;
import io.celestialflow.codec.CodecException;
import io.celestialflow.codec.CodecFactory;
import io.celestialflow.codec.TaskCodec;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Iterator;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * One worker JVM's work: a reader thread queues the batches of tasks the parent sends, the main
 * thread runs them in order, and a heartbeat thread keeps the parent informed.
 *
 * <p>Results are buffered into one RESULTS frame and sent at the end of each batch of tasks, or
 * sooner once the oldest buffered result has waited {@link #LINGER_NANOS} (checked after each task,
 * and by the heartbeat thread while a long task runs), so nothing finished waits behind something
 * slow.
 */
final class WorkerLoop {
  /** How long a finished result may wait in the buffer for more results to join it. */
  static final long LINGER_NANOS = 1_000_000;

  /** Results are sent once the buffer holds this many bytes. */
  private static final int FLUSH_BYTES = 256 * 1024;

  private static final Batch END = new Batch(-1, new byte[0][]);
  private static final byte[] NO_BYTES = new byte[0];

  private final WorkerConfig config;
  private final String stage;
  private final StageKind kind;
  private final @Nullable TaskFunction<Object, ?> function;
  private final @Nullable TaskConsumer<Object> consumer;
  private final TaskCodec<Object> input;
  private final @Nullable TaskCodec<Object> output;
  private final ProgressFile progress;
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final LinkedBlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
  private final long heartbeatNanos;

  // Guarded by outLock: the results frame being filled and the socket's output side.
  private final ReentrantLock outLock = new ReentrantLock();
  private final Condition pendingResults = outLock.newCondition();
  private final Wire.Frame results = new Wire.Frame(64 * 1024);
  private final Wire.Frame heartbeat = new Wire.Frame(16);
  private int pending;
  private long busyNanos;
  private long firstPendingAt;
  private long lastWriteAt = System.nanoTime();
  private boolean closed;
  private int countPos;
  private int busyPos;

  /** A batch of encoded tasks; sequence numbers are consecutive from {@code firstSeq}. */
  private record Batch(long firstSeq, byte[][] payloads) {}

  @SuppressWarnings("unchecked")
  WorkerLoop(WorkerConfig config, ProgressFile progress) throws IOException {
    this.config = config;
    this.stage = config.stage();
    this.kind = config.kind();
    Class<?> type = WorkerClasses.load(config.functionClass(), Object.class);
    StageTypes types = StageTypes.of(type, kind);
    CodecFactory codecs =
        WorkerClasses.instantiate(
            WorkerClasses.load(config.codecFactoryClass(), CodecFactory.class));
    this.input = codecs.codec(types.input());
    java.lang.reflect.Type outType = types.output();
    this.output = outType == null ? null : codecs.codec(outType);
    Object instance = WorkerClasses.instantiate(type);
    if (kind == StageKind.CONSUMER) {
      this.consumer = (TaskConsumer<Object>) instance;
      this.function = null;
    } else {
      this.function = (TaskFunction<Object, ?>) instance;
      this.consumer = null;
    }
    this.heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, config.heartbeatMillis()));
    this.progress = progress;
    this.socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port()), 30_000);
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
    this.out = socket.getOutputStream();
    new Wire.Frame(128)
        .begin(Wire.HELLO)
        .putInt(Wire.VERSION)
        .putLong(ProcessHandle.current().pid())
        .putString(config.token())
        .writeTo(out);
  }

  /**
   * Runs until the parent says goodbye.
   *
   * @return the exit status
   */
  int run() {
    Thread.ofPlatform().name("celestialflow-reader").daemon(true).start(this::read);
    Thread.ofPlatform().name("celestialflow-heartbeat").daemon(true).start(this::beat);
    Wire.Frame entry = new Wire.Frame(256);
    long nextSeq = 1;
    try {
      while (true) {
        Batch batch = queue.take();
        if (batch == END) {
          break;
        }
        byte[][] payloads = batch.payloads();
        if (batch.firstSeq() != nextSeq) {
          System.err.println(
              "celestialflow worker: expected task " + nextSeq + ", got " + batch.firstSeq());
          return Wire.EXIT_PROTOCOL;
        }
        for (int i = 0; i < payloads.length; i++) {
          long seq = nextSeq++;
          progress.started(seq);
          long t0 = System.nanoTime();
          entry.truncate(0);
          runOne(payloads[i], entry);
          payloads[i] = NO_BYTES; // a big task need not stay reachable
          long t1 = System.nanoTime();
          outLock.lock();
          try {
            append(seq, entry, t1 - t0, t1);
            progress.finished(seq);
            if (i == payloads.length - 1
                || results.size() >= FLUSH_BYTES
                || t1 - firstPendingAt >= LINGER_NANOS) {
              flush();
            }
          } finally {
            outLock.unlock();
          }
        }
      }
      outLock.lock();
      try {
        flush();
        closed = true;
        pendingResults.signalAll();
      } finally {
        outLock.unlock();
      }
      socket.close();
      return 0;
    } catch (IOException e) {
      return Wire.EXIT_PARENT_GONE; // the parent closed the connection
    } catch (InterruptedException e) {
      return Wire.EXIT_PARENT_GONE;
    }
  }

  /** Runs one task and writes its result entry (status and payload). Never throws. */
  private void runOne(byte[] payload, Wire.Frame entry) {
    try {
      Object task;
      try {
        task = input.decode(payload);
      } catch (CodecException e) {
        throw e.forStage(stage, "read a task in the worker process");
      }
      if (consumer != null) {
        consumer.accept(task);
        entry.putByte(Wire.NONE);
        return;
      }
      Object result = requireFunction().apply(task);
      if (result == null) {
        entry.putByte(Wire.NULL);
        return;
      }
      switch (kind) {
        case MAP -> entry.putByte(Wire.VALUE).putBytes(encode(result));
        case SPLITTER -> writeSplit(result, entry);
        case ROUTER -> {
          if (!(result instanceof Routed<?> routed)) {
            throw new IllegalStateException(
                "router '"
                    + stage
                    + "' returned a "
                    + result.getClass().getName()
                    + " instead of a Routed value");
          }
          entry.putByte(Wire.ROUTED).putInt(routed.targets().size());
          for (String target : routed.targets()) {
            entry.putString(target);
          }
          entry.putBytes(encode(routed.value()));
        }
        case CONSUMER -> entry.putByte(Wire.NONE);
      }
    } catch (Throwable error) {
      entry.truncate(0);
      entry.putByte(Wire.FAILED).putBytes(ThrowableTransfer.write(error));
    }
  }

  private TaskFunction<Object, ?> requireFunction() {
    TaskFunction<Object, ?> f = function;
    if (f == null) {
      throw new IllegalStateException("no function");
    }
    return f;
  }

  private void writeSplit(Object result, Wire.Frame entry) {
    entry.putByte(Wire.VALUES);
    int countPos = entry.size();
    entry.putInt(0);
    int n = 0;
    Iterator<?> it =
        switch (result) {
          case Iterable<?> items -> items.iterator();
          case Stream<?> items -> items.iterator();
          case Iterator<?> items -> items;
          case Object[] items -> java.util.Arrays.asList(items).iterator();
          default ->
              throw new IllegalStateException(
                  "splitter '"
                      + stage
                      + "' returned a "
                      + result.getClass().getName()
                      + ", not an Iterable, Stream, Iterator or array");
        };
    try {
      while (it.hasNext()) {
        Object item = it.next();
        if (item == null) {
          throw new IllegalStateException("splitter '" + stage + "' emitted a null item");
        }
        entry.putBytes(encode(item));
        n++;
      }
    } finally {
      if (result instanceof Stream<?> s) {
        s.close();
      }
    }
    entry.setInt(countPos, n);
  }

  private byte[] encode(Object value) {
    TaskCodec<Object> codec = output;
    if (codec == null) {
      throw new IllegalStateException("stage '" + stage + "' has no output codec");
    }
    try {
      return codec.encode(value);
    } catch (CodecException e) {
      throw e.forStage(stage, "send a result from the worker process");
    }
  }

  // ------------------------------------------------------------------ results (under outLock)

  private void append(long seq, Wire.Frame entry, long nanos, long now) {
    if (pending == 0) {
      results.begin(Wire.RESULTS).putLong(seq);
      countPos = results.size();
      results.putInt(0);
      busyPos = results.size();
      results.putLong(0);
      firstPendingAt = now;
      busyNanos = 0;
      pendingResults.signal(); // the heartbeat thread now watches how long they wait
    }
    results.append(entry);
    pending++;
    busyNanos += nanos;
  }

  private void flush() throws IOException {
    if (pending == 0) {
      return;
    }
    results.setInt(countPos, pending);
    results.setLong(busyPos, busyNanos);
    pending = 0;
    results.writeTo(out);
    results.trim();
    lastWriteAt = System.nanoTime();
  }

  /**
   * The heartbeat thread: sends a heartbeat when nothing was written for a while, and sends results
   * that waited too long behind a slow task.
   */
  private void beat() {
    outLock.lock();
    try {
      while (!closed) {
        long now = System.nanoTime();
        if (pending > 0 && now - firstPendingAt >= LINGER_NANOS) {
          flush();
          continue;
        }
        long beatIn = lastWriteAt + heartbeatNanos - now;
        if (beatIn <= 0) {
          heartbeat.begin(Wire.HEARTBEAT).writeTo(out);
          lastWriteAt = System.nanoTime();
          continue;
        }
        long wait = pending > 0 ? Math.min(beatIn, firstPendingAt + LINGER_NANOS - now) : beatIn;
        pendingResults.awaitNanos(wait);
      }
    } catch (IOException | InterruptedException e) {
      // The connection is gone: the reader thread ends the worker.
    } finally {
      outLock.unlock();
    }
  }

  /** The reader thread: queues batches until goodbye; a lost connection ends the worker. */
  private void read() {
    try {
      while (true) {
        int length = Wire.readLength(in);
        if (length < 0) {
          break;
        }
        byte type = in.readByte();
        switch (type) {
          case Wire.TASKS -> {
            long first = in.readLong();
            int n = in.readInt();
            if (n < 0 || n > length) {
              throw new IOException("invalid task count " + n);
            }
            byte[][] payloads = new byte[n][];
            for (int i = 0; i < n; i++) {
              payloads[i] = Wire.readBytes(in);
            }
            queue.add(new Batch(first, payloads));
          }
          case Wire.BYE -> {
            queue.add(END);
            return;
          }
          default -> {
            System.err.println("celestialflow worker: unknown frame type " + type);
            ProcessWorkerMain.exit(Wire.EXIT_PROTOCOL);
            return;
          }
        }
      }
    } catch (IOException e) {
      if (!socket.isClosed()) {
        System.err.println(
            "celestialflow worker "
                + config.worker()
                + " of stage '"
                + stage
                + "': connection to the parent failed: "
                + e);
      }
    }
    ProcessWorkerMain.exit(Wire.EXIT_PARENT_GONE);
  }
}

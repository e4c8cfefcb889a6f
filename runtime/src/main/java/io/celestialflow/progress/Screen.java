package io.celestialflow.progress;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The bottom lines of a terminal, kept for the progress bars: {@link #draw} replaces the lines
 * drawn last time by moving the cursor back up over them, and whatever else is printed to {@link
 * System#out} or {@link System#err} meanwhile (log lines, a worker's output) is printed above the
 * bars: the bars are erased, the complete lines are written, the bars are drawn again. Partial
 * lines wait for their end of line.
 *
 * <p>The lines it draws must not wrap (the caller keeps them narrower than the terminal), or moving
 * back up over them would miss.
 */
final class Screen {
  /** Control Sequence Introducer. */
  private static final String CSI = "\033[";

  /** Longest partial line held back before it is written anyway. */
  private static final int MAX_HELD = 64 * 1024;

  private final PrintStream terminal;
  private final ReentrantLock lock = new ReentrantLock();
  private List<String> lines = List.of();
  private int drawn;

  private @Nullable PrintStream originalOut;
  private @Nullable PrintStream originalErr;
  private @Nullable PrintStream capturedOut;
  private @Nullable PrintStream capturedErr;
  private @Nullable Above outAbove;
  private @Nullable Above errAbove;

  Screen(PrintStream terminal) {
    this.terminal = terminal;
  }

  /**
   * Routes {@link System#err} (which must be this screen's terminal) and, if asked, {@link
   * System#out} (when it prints to the same terminal) through this screen until {@link #release}.
   */
  void captureSystemStreams(boolean out) {
    lock.lock();
    try {
      if (System.err == terminal) {
        originalErr = terminal;
        errAbove = new Above(terminal);
        capturedErr = new PrintStream(errAbove, true, charset(terminal));
        System.setErr(capturedErr);
      }
      if (out) {
        PrintStream stdout = System.out;
        originalOut = stdout;
        outAbove = new Above(stdout);
        capturedOut = new PrintStream(outAbove, true, charset(stdout));
        System.setOut(capturedOut);
      }
    } finally {
      lock.unlock();
    }
  }

  private static Charset charset(PrintStream stream) {
    return stream.charset();
  }

  /** Replaces the lines drawn last time with these. */
  void draw(List<String> frame) {
    lock.lock();
    try {
      StringBuilder s = new StringBuilder();
      erase(s);
      for (String line : frame) {
        s.append(line).append(CSI).append("K\n");
      }
      write(s);
      lines = List.copyOf(frame);
      drawn = lines.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Draws the last frame, leaves it on the screen, and gives {@link System#out} and {@link
   * System#err} back (unless someone else has replaced them meanwhile).
   */
  void release(List<String> last) {
    lock.lock();
    try {
      if (errAbove != null) {
        errAbove.flushHeld();
      }
      if (outAbove != null) {
        outAbove.flushHeld();
      }
      draw(last);
      drawn = 0;
      lines = List.of();
      if (capturedErr != null && System.err == capturedErr && originalErr != null) {
        System.setErr(originalErr);
      }
      if (capturedOut != null && System.out == capturedOut && originalOut != null) {
        System.setOut(originalOut);
      }
      capturedErr = null;
      capturedOut = null;
      errAbove = null;
      outAbove = null;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes text to the terminal as bytes of its charset: {@code print} would push it through the
   * stream's character encoder, code that a few frames a second never make hot enough to compile
   * (interpreted, it was most of drawing a frame).
   */
  private void write(CharSequence text) {
    terminal.writeBytes(text.toString().getBytes(terminal.charset()));
    terminal.flush();
  }

  /** Moves the cursor back to the first bar line and clears from there down. */
  private void erase(StringBuilder s) {
    if (drawn > 0) {
      s.append('\r').append(CSI).append(drawn).append('A').append(CSI).append('J');
    }
  }

  /** Writes complete lines to {@code target} above the bars. Called with the lock held. */
  private void printAbove(PrintStream target, byte[] bytes, int length) {
    StringBuilder s = new StringBuilder();
    erase(s);
    if (!s.isEmpty()) {
      write(s);
    }
    target.write(bytes, 0, length);
    if (length > 0 && bytes[length - 1] != '\n') {
      target.write('\n'); // a partial line let through (at the end, or too long): end it here
    }
    target.flush();
    drawn = 0;
    if (!lines.isEmpty()) {
      draw(lines);
    }
  }

  /** A captured stream: holds a partial line, prints complete ones above the bars. */
  private final class Above extends OutputStream {
    private final PrintStream target;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();

    Above(PrintStream target) {
      this.target = target;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      lock.lock();
      try {
        held.write(b, off, len);
        int end = lastNewline(b, off, len);
        if (end >= 0 || held.size() > MAX_HELD) {
          byte[] all = held.toByteArray();
          int complete = end >= 0 ? all.length - (off + len - end - 1) : all.length;
          printAbove(target, all, complete);
          held.reset();
          held.write(all, complete, all.length - complete);
        }
      } finally {
        lock.unlock();
      }
    }

    void flushHeld() {
      if (held.size() > 0) {
        byte[] all = held.toByteArray();
        held.reset();
        printAbove(target, all, all.length);
      }
    }

    private static int lastNewline(byte[] b, int off, int len) {
      for (int i = off + len - 1; i >= off; i--) {
        if (b[i] == '\n') {
          return i;
        }
      }
      return -1;
    }
  }
}

package io.celestialflow.process;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The framing of the protocol between a process stage and its worker JVMs.
 *
 * <p>Every message is a frame: a 4-byte big-endian length (of what follows it), a 1-byte type, then
 * the body. Tasks and results travel in batches, one frame per batch; each task or result inside is
 * length-prefixed bytes written by the stage's {@link io.celestialflow.codec.TaskCodec}. The layout
 * of each body is documented in {@code docs/process-mode.md}.
 */
final class Wire {
  private Wire() {}

  /** The protocol version; both sides check it in the configuration line and in HELLO. */
  static final int VERSION = 1;

  /** Child to parent, once: version, pid, token. */
  static final byte HELLO = 1;

  /** Parent to child: a batch of tasks. */
  static final byte TASKS = 2;

  /** Child to parent: a batch of results, in task order. */
  static final byte RESULTS = 3;

  /** Child to parent: still alive (sent when nothing else was sent for a while). */
  static final byte HEARTBEAT = 4;

  /** Parent to child: no more tasks; finish and exit. */
  static final byte BYE = 5;

  /** Result status: one encoded value follows (map stages). */
  static final byte VALUE = 0;

  /** Result status: a count and that many encoded values follow (splitters). */
  static final byte VALUES = 1;

  /** Result status: target stage names, then one encoded value (routers). */
  static final byte ROUTED = 2;

  /** Result status: nothing follows (consumers). */
  static final byte NONE = 3;

  /** Result status: the function returned {@code null}; the engine reports it as for any mode. */
  static final byte NULL = 4;

  /** Result status: the task failed; a serialised {@link Throwable} follows. */
  static final byte FAILED = 5;

  /** Exit status of a worker that could not set itself up (bad class, bad configuration). */
  static final int EXIT_START_FAILED = 70;

  /** Exit status of a worker whose parent went away. */
  static final int EXIT_PARENT_GONE = 71;

  /** Exit status of a worker that received a malformed frame. */
  static final int EXIT_PROTOCOL = 72;

  /** The largest frame either side accepts. */
  static final int MAX_FRAME = Integer.MAX_VALUE - 64;

  /**
   * Reads the header of the next frame.
   *
   * @param in the stream
   * @return the frame's body length, or -1 at a clean end of stream; the type is then the next byte
   * @throws IOException on a broken stream or an invalid length
   */
  static int readLength(DataInputStream in) throws IOException {
    int b0 = in.read();
    if (b0 < 0) {
      return -1;
    }
    int length = (b0 << 24) | (in.readUnsignedByte() << 16) | in.readUnsignedShort();
    if (length < 1 || length > MAX_FRAME) {
      throw new IOException("invalid frame length " + length);
    }
    return length;
  }

  /**
   * Reads a length-prefixed byte string.
   *
   * @param in the stream
   * @return the bytes
   * @throws IOException on a broken stream or an invalid length
   */
  static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_FRAME) {
      throw new IOException("invalid payload length " + n);
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  /**
   * Reads a length-prefixed UTF-8 string.
   *
   * @param in the stream
   * @return the string
   * @throws IOException on a broken stream or an invalid length
   */
  static String readString(DataInputStream in) throws IOException {
    return new String(readBytes(in), StandardCharsets.UTF_8);
  }

  /**
   * A frame under construction: a growable buffer written by one thread, sent with one write.
   * Reusable: {@link #begin} starts the next frame.
   */
  static final class Frame {
    private byte[] buf;
    private int size;

    /**
     * An empty frame buffer.
     *
     * @param capacity the initial capacity in bytes
     */
    Frame(int capacity) {
      this.buf = new byte[Math.max(16, capacity)];
    }

    /**
     * Starts a frame of the given type, discarding what the buffer held.
     *
     * @param type the frame type
     * @return this frame
     */
    Frame begin(byte type) {
      size = 4;
      return putByte(type);
    }

    /**
     * The bytes written so far, header included.
     *
     * @return the size
     */
    int size() {
      return size;
    }

    /**
     * Forgets everything written after {@code position} (a value of {@link #size()}).
     *
     * @param position where to cut
     */
    void truncate(int position) {
      size = position;
    }

    private void ensure(int more) {
      long need = (long) size + more;
      if (need > buf.length) {
        if (need > MAX_FRAME) {
          throw new IllegalStateException("frame would exceed " + MAX_FRAME + " bytes");
        }
        buf = Arrays.copyOf(buf, (int) Math.min(MAX_FRAME, Math.max(need, buf.length * 2L)));
      }
    }

    /**
     * Appends one byte.
     *
     * @param v the byte
     * @return this frame
     */
    Frame putByte(byte v) {
      ensure(1);
      buf[size++] = v;
      return this;
    }

    /**
     * Appends a big-endian int.
     *
     * @param v the value
     * @return this frame
     */
    Frame putInt(int v) {
      ensure(4);
      setInt(size, v);
      size += 4;
      return this;
    }

    /**
     * Overwrites a big-endian int written earlier.
     *
     * @param position where it was written
     * @param v the value
     */
    void setInt(int position, int v) {
      buf[position] = (byte) (v >>> 24);
      buf[position + 1] = (byte) (v >>> 16);
      buf[position + 2] = (byte) (v >>> 8);
      buf[position + 3] = (byte) v;
    }

    /**
     * Appends a big-endian long.
     *
     * @param v the value
     * @return this frame
     */
    Frame putLong(long v) {
      ensure(8);
      setLong(size, v);
      size += 8;
      return this;
    }

    /**
     * Overwrites a big-endian long written earlier.
     *
     * @param position where it was written
     * @param v the value
     */
    void setLong(int position, long v) {
      setInt(position, (int) (v >>> 32));
      setInt(position + 4, (int) v);
    }

    /**
     * Appends a length-prefixed byte string.
     *
     * @param bytes the bytes
     * @return this frame
     */
    Frame putBytes(byte[] bytes) {
      ensure(4 + bytes.length);
      putInt(bytes.length);
      System.arraycopy(bytes, 0, buf, size, bytes.length);
      size += bytes.length;
      return this;
    }

    /**
     * Appends everything written to another frame buffer (used as scratch, from position 0).
     *
     * @param other the buffer to copy
     * @return this frame
     */
    Frame append(Frame other) {
      ensure(other.size);
      System.arraycopy(other.buf, 0, buf, size, other.size);
      size += other.size;
      return this;
    }

    /**
     * Appends a length-prefixed UTF-8 string.
     *
     * @param s the string
     * @return this frame
     */
    Frame putString(String s) {
      return putBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Fills in the length and writes the frame with one call.
     *
     * @param out the stream
     * @throws IOException if the stream is broken
     */
    void writeTo(OutputStream out) throws IOException {
      setInt(0, size - 4);
      out.write(buf, 0, size);
      out.flush();
    }

    /**
     * Shrinks an oversized buffer back after a large frame was sent, so one big payload does not
     * pin its memory for the rest of the run.
     */
    void trim() {
      if (buf.length > (1 << 20) && size <= (1 << 16)) {
        buf = new byte[1 << 16];
      }
    }
  }
}

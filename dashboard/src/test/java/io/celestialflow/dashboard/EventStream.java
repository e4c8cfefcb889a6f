package io.celestialflow.dashboard;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Reads a Server-Sent Events stream on a thread of its own, event by event. */
final class EventStream implements AutoCloseable {
  /** One event with the time it arrived. */
  record Event(String name, String data, long nanos) {
    JsonObject json() {
      return JsonParser.parseString(data).getAsJsonObject();
    }
  }

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final InputStream body;
  private final Thread reader;
  final int status;

  EventStream(Client client, String path) throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        client.http.send(
            client
                .request(path)
                .timeout(Duration.ofMinutes(5))
                .header("Accept", "text/event-stream")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    this.status = response.statusCode();
    this.body = response.body();
    this.reader = new Thread(this::read, "sse-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String name = "message";
      StringBuilder data = new StringBuilder();
      for (String line; (line = in.readLine()) != null; ) {
        if (line.isEmpty()) {
          if (!data.isEmpty()) {
            events.add(new Event(name, data.toString(), System.nanoTime()));
          }
          name = "message";
          data.setLength(0);
        } else if (line.startsWith("event:")) {
          name = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          if (!data.isEmpty()) {
            data.append('\n');
          }
          data.append(line.substring(5).stripLeading());
        }
      }
    } catch (IOException e) {
      // closed
    }
  }

  /** The next event of this name, skipping others; fails after the timeout. */
  Event next(String name, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Event e = events.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (e == null) {
        throw new AssertionError("no '" + name + "' event within " + timeout);
      }
      if (e.name().equals(name)) {
        return e;
      }
    }
  }

  @Override
  public void close() throws IOException {
    body.close();
    reader.interrupt();
  }
}

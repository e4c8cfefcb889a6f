package demo;

import io.celestialflow.Edge;
import io.celestialflow.ExecutionMode;
import io.celestialflow.Stage;
import io.celestialflow.StageKind;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** A crawler loop: download -> links -> download, until no new URL is left. */
public class Crawler {
  /** A downloaded page. */
  public record Page(String url, List<String> links) {}

  @Stage(kind = StageKind.SPLITTER)
  @Edge(to = "download")
  List<String> seeds(String site) {
    return List.of(site + "/0");
  }

  @Stage(
      mode = ExecutionMode.THREAD,
      virtualThreads = true,
      workers = 100,
      dedupe = true,
      retryOn = IOException.class,
      maxAttempts = 4,
      backoffMillis = 5,
      timeoutMillis = 2000)
  @Edge(to = "links")
  @Edge(to = "index")
  Page download(String url) throws IOException {
    return new Page(url, List.of());
  }

  @Stage(kind = StageKind.SPLITTER, collect = true)
  @Edge(to = "download")
  Stream<String> links(Page page) {
    return page.links().stream();
  }

  @Stage(mode = ExecutionMode.ASYNC, workers = 16)
  CompletableFuture<String> index(Page page) {
    return CompletableFuture.completedFuture(page.url());
  }
}

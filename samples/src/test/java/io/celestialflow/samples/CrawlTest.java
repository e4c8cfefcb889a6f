package io.celestialflow.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.GraphResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class CrawlTest {
  @Test
  void everyPageIsDownloadedOnceAndTheLoopEndsByItself() {
    int pages = 300;
    GraphResult result = new Crawl(pages, Duration.ofMillis(2)).run(run -> {});

    assertThat(result.isCompleted()).isTrue();
    assertThat(result.outputs("index"))
        .hasSize(pages)
        .contains("https://site.example/page/0 (3 links)");
    assertThat(result.stats("download").succeeded()).isEqualTo(pages);
    // Each page links to the root and to up to two children: every link is received once.
    long links = result.stats("links").emitted();
    assertThat(result.stats("download").received()).isEqualTo(1 + links);
    assertThat(result.stats("download").duplicates()).isEqualTo(links - (pages - 1));
    // Pages 3, 10, 17, ... fail once and succeed on the retry.
    long flaky = java.util.stream.IntStream.range(0, pages).filter(i -> i % 7 == 3).count();
    assertThat(result.stats("download").retries()).isEqualTo(flaky);
    assertThat(result.failures()).isEmpty();
  }
}

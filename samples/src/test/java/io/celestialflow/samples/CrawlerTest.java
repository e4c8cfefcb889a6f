package io.celestialflow.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.GraphResult;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class CrawlerTest {
  @Test
  void everyPageIsDownloadedOnceAndTheLoopEndsByItself() {
    int pages = 300;
    try (CrawlerGraph crawler = new CrawlerGraph(new Crawler(pages, Duration.ofMillis(2)))) {
      GraphResult result = Demo.crawl(crawler, run -> {});

      assertThat(result.isCompleted()).isTrue();
      assertThat(crawler.result(result).index())
          .hasSize(pages)
          .contains("https://site.example/page/0 (3 links)");
      assertThat(result.stats("download").succeeded()).isEqualTo(pages);
      // Every link found is sent to download once; only the first visit of a page downloads it.
      long links = result.stats("urls").emitted();
      assertThat(result.stats("download").received()).isEqualTo(links);
      assertThat(result.stats("download").duplicates()).isEqualTo(links - pages);
      // Pages 3, 10, 17, ... fail once and succeed on the retry.
      long flaky = IntStream.range(0, pages).filter(i -> i % 7 == 3).count();
      assertThat(result.stats("download").retries()).isEqualTo(flaky);
      assertThat(result.failures()).isEmpty();
    }
  }

  @Test
  void theGeneratedRunnerCrawlsFromASite() {
    Runner.Printed printed =
        Runner.run(CrawlerGraph::main, "--input", "generate=[\"https://tiny.example\"]");

    // The runner's crawler has 2000 pages: all indexed, each line once.
    assertThat(printed.out()).startsWith("{\"index\":[");
    assertThat(printed.out().split("links\\)", -1)).hasSize(2001);
    assertThat(printed.err()).contains("Crawler: COMPLETED");
  }
}

package io.celestialflow.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The page's files: small, from the jar only, every one of them served. */
@Timeout(30)
class AssetsTest {
  private static final Path WEB =
      Path.of("..", "web-assets", "src", "main", "resources", "META-INF", "celestialflow", "web");
  private static final Pattern EXTERNAL =
      Pattern.compile(
          "(src|href)\\s*=\\s*[\"']?(https?:)?//|url\\(\\s*[\"']?(https?:)?//|from\\s+[\"']https?:|fetch\\([\"']https?:");

  private static List<Path> files() throws IOException {
    try (Stream<Path> s = Files.walk(WEB)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.toString().endsWith("README.md"))
          .toList();
    }
  }

  @Test
  void theAssetsWeighLittleGzippedAndReferNoOtherHost() throws IOException {
    long gzipped = 0;
    for (Path f : files()) {
      byte[] bytes = Files.readAllBytes(f);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(bytes);
      }
      gzipped += out.size();
      String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
      assertThat(EXTERNAL.matcher(text).find()).as("%s refers to another host", f).isFalse();
    }
    System.out.printf("dashboard assets: %d files, %,d bytes gzipped%n", files().size(), gzipped);
    assertThat(gzipped).isLessThan(600 * 1024);
  }

  @Test
  void everyAssetIsServedFromTheClassPath() throws IOException {
    try (Dashboard dashboard = Dashboard.start()) {
      Client client = new Client(dashboard);
      for (Path f : files()) {
        String path = WEB.relativize(f).toString().replace('\\', '/');
        Client.Response r = client.get(path);
        assertThat(r.status()).as(path).isEqualTo(200);
        assertThat(r.body()).isEqualTo(Files.readString(f));
      }
    }
  }
}

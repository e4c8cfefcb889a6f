package io.celestialflow.dashboard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Debian's headless Chromium driven by Playwright for Java — never a browser Playwright would
 * download. Every request to another origin than the dashboard's is blocked and recorded, so a test
 * can assert that the page needs no network.
 */
final class Chromium implements AutoCloseable {
  /** Where Debian installs Chromium ({@code apt-get install -y chromium}). */
  static final Path EXECUTABLE = Path.of("/usr/bin/chromium");

  private final Playwright playwright;
  private final Browser browser;

  private Chromium(Playwright playwright, Browser browser) {
    this.playwright = playwright;
    this.browser = browser;
  }

  static Chromium launch() {
    assertTrue(
        Files.isExecutable(EXECUTABLE),
        "the browser tests need Debian's Chromium at "
            + EXECUTABLE
            + ": install it with `apt-get install -y chromium` (CI's .ci/run does)");
    Playwright playwright =
        Playwright.create(
            new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    try {
      Browser browser =
          playwright
              .chromium()
              .launch(
                  new BrowserType.LaunchOptions()
                      .setExecutablePath(EXECUTABLE)
                      .setHeadless(true)
                      .setArgs(
                          List.of(
                              "--no-sandbox",
                              "--disable-gpu",
                              "--disable-quic",
                              "--no-first-run",
                              "--disable-background-networking",
                              "--disable-component-update",
                              "--disable-sync")));
      return new Chromium(playwright, browser);
    } catch (RuntimeException e) {
      playwright.close();
      throw e;
    }
  }

  /** A fresh browser profile whose requests may only go to {@code origin}. */
  Session open(URI origin) {
    BrowserContext context =
        browser.newContext(new Browser.NewContextOptions().setViewportSize(1440, 900));
    List<String> blocked = new CopyOnWriteArrayList<>();
    String allowed = "http://" + origin.getHost() + ":" + origin.getPort() + "/";
    context.route(
        "**/*",
        route -> {
          if (route.request().url().startsWith(allowed)) {
            route.resume();
          } else {
            blocked.add(route.request().url());
            route.abort();
          }
        });
    Page page = context.newPage();
    List<String> errors = new CopyOnWriteArrayList<>();
    page.onPageError(errors::add);
    page.onConsoleMessage(m -> {
      // a refused request logs "Failed to load resource": expected when a test sends bad input
      if (m.type().equals("error") && !m.text().startsWith("Failed to load resource")) {
        errors.add(m.text());
      }
    });
    return new Session(context, page, blocked, errors);
  }

  /** One browser profile and its page. */
  record Session(BrowserContext context, Page page, List<String> blocked, List<String> errors)
      implements AutoCloseable {
    @Override
    public void close() {
      context.close();
    }
  }

  @Override
  public void close() {
    try {
      browser.close();
    } finally {
      playwright.close();
    }
  }
}

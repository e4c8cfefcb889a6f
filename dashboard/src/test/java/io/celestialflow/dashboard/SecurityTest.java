package io.celestialflow.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.celestialflow.GraphRun;
import io.celestialflow.TaskGraph;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Binding, tokens, host names, the CSRF guard, read-only mode and request limits. */
@Timeout(30)
class SecurityTest {
  private static final String TOKEN = "test-token-0123456789abcdef";
  private Dashboard dashboard;
  private TaskGraph graph;

  @AfterEach
  void stop() {
    if (graph != null) {
      graph.close();
    }
    if (dashboard != null) {
      dashboard.close();
    }
  }

  @Test
  void bindsLoopbackByDefaultAndAnyOtherAddressNeedsAToken() {
    assertThat(Dashboard.builder().requiresToken()).isFalse();
    assertThat(Dashboard.builder().host("localhost").requiresToken()).isFalse();
    assertThat(Dashboard.builder().host("0.0.0.0").requiresToken()).isTrue();
    assertThat(Dashboard.builder().host("::").requiresToken()).isTrue();
    assertThat(Dashboard.newToken()).hasSizeGreaterThanOrEqualTo(32).matches("[A-Za-z0-9_-]+");
    assertThatThrownBy(() -> Dashboard.builder().token("short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 16 characters");

    dashboard = Dashboard.start();
    assertThat(dashboard.url().toString()).matches("http://127\\.0\\.0\\.1:\\d+/");
    assertThat(dashboard.token()).isEmpty();
  }

  @Test
  void aTokenIsRequiredByHeaderCookieOrFirstVisitQuery() {
    dashboard = Dashboard.builder().token(TOKEN).start();
    assertThat(dashboard.url().toString()).endsWith("/?token=" + TOKEN);
    URI base = URI.create("http://127.0.0.1:" + dashboard.port() + "/");
    Client anonymous = new Client(base, null);
    Client wrong = new Client(base, "wrong-token-0123456789");
    Client right = new Client(base, TOKEN);

    assertThat(anonymous.get("api/runs").status()).isEqualTo(401);
    assertThat(anonymous.get("").status()).isEqualTo(401);
    assertThat(anonymous.get("api/runs").error()).contains("needs its token");
    assertThat(wrong.get("api/runs").status()).isEqualTo(401);
    assertThat(right.get("api/runs").status()).isEqualTo(200);

    Client.Response firstVisit = anonymous.get("?token=" + TOKEN);
    assertThat(firstVisit.status()).isEqualTo(200);
    String cookie = firstVisit.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).contains("HttpOnly").containsIgnoringCase("SameSite=Strict");
    String pair = cookie.substring(0, cookie.indexOf(';'));
    Client.Response withCookie =
        anonymous.send(anonymous.request("api/runs").header("Cookie", pair).GET());
    assertThat(withCookie.status()).isEqualTo(200);
  }

  @Test
  void withoutATokenOnlyLoopbackHostNamesAreServed() throws Exception {
    dashboard = Dashboard.start();
    assertThat(rawStatus("GET /api/runs HTTP/1.1\r\nHost: 127.0.0.1:" + dashboard.port()))
        .isEqualTo(200);
    assertThat(rawStatus("GET /api/runs HTTP/1.1\r\nHost: localhost")).isEqualTo(200);
    assertThat(rawStatus("GET /api/runs HTTP/1.1\r\nHost: [::1]:80")).isEqualTo(200);
    assertThat(rawStatus("GET /api/runs HTTP/1.1\r\nHost: attacker.example")).isEqualTo(403);
    assertThat(rawStatus("GET /api/runs HTTP/1.1\r\nHost: 127.0.0.1.attacker.example"))
        .isEqualTo(403);
  }

  private int rawStatus(String head) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(
          new java.net.InetSocketAddress(
              java.net.InetAddress.getLoopbackAddress(), dashboard.port()),
          5000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write((head + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      return Integer.parseInt(status.substring(9, 12)); // "HTTP/1.1 200 OK"
    }
  }

  @Test
  void postsNeedTheCsrfHeaderASameOriginAndJsonAndLeaveTheRunAlone() {
    dashboard = Dashboard.start();
    graph = Graphs.numbers("guarded");
    GraphRun run = dashboard.attach(graph.newRun().keepOpen()).start();
    Client client = new Client(dashboard);
    String cancel = "api/runs/" + run.runId() + "/cancel";

    Client.Response noHeader =
        client.post(cancel, "{}", Map.of("Content-Type", "application/json"));
    assertThat(noHeader.status()).isEqualTo(403);
    assertThat(noHeader.error()).contains("X-CelestialFlow-Csrf");
    Client.Response crossOrigin =
        client.post(
            cancel,
            "{}",
            Map.of(
                "Content-Type", "application/json",
                "X-CelestialFlow-Csrf", "1",
                "Origin", "http://attacker.example"));
    assertThat(crossOrigin.status()).isEqualTo(403);
    assertThat(crossOrigin.error()).contains("cross-origin");
    Client.Response form =
        client.post(
            cancel, "a=b", Map.of("Content-Type", "text/plain", "X-CelestialFlow-Csrf", "1"));
    assertThat(form.status()).isEqualTo(415);
    assertThat(run.isDone()).isFalse();

    Client.Response sameOrigin =
        client.post(
            cancel,
            "{}",
            Map.of(
                "Content-Type", "application/json",
                "X-CelestialFlow-Csrf", "1",
                "Origin", "http://127.0.0.1:" + dashboard.port()));
    assertThat(sameOrigin.status()).as(sameOrigin.body()).isEqualTo(200);
    assertThat(run.await().isCompleted()).isFalse();
  }

  @Test
  void readOnlyRefusesEveryControl() {
    dashboard = Dashboard.builder().readOnly().start();
    graph = Graphs.numbers("read-only");
    GraphRun run = dashboard.attach(graph.newRun().keepOpen()).start();
    Client client = new Client(dashboard);
    for (String action : new String[] {"cancel", "close-inputs", "inject", "retry"}) {
      Client.Response r = client.post("api/runs/" + run.runId() + "/" + action, "{}");
      assertThat(r.status()).as(action).isEqualTo(403);
      assertThat(r.error()).contains("read-only");
    }
    assertThat(
            client
                .getJson("api/runs/" + run.runId())
                .getAsJsonObject()
                .get("controls")
                .getAsBoolean())
        .isFalse();
    run.closeInputs();
    assertThat(run.await().isCompleted()).isTrue();
  }

  @Test
  void oversizedAndMalformedBodiesAreRefusedWithAReason() {
    dashboard = Dashboard.start();
    graph = Graphs.numbers("limits");
    GraphRun run = dashboard.attach(graph.newRun().keepOpen()).start();
    Client client = new Client(dashboard);
    String inject = "api/runs/" + run.runId() + "/inject";

    String huge = "{\"stage\":\"double\",\"tasks\":[" + "1,".repeat(600_000) + "1]}";
    Client.Response big = client.post(inject, huge);
    assertThat(big.status()).isEqualTo(413);
    assertThat(client.post(inject, "{\"stage\": ").error()).startsWith("malformed JSON");
    assertThat(client.post(inject, "[1, 2]").error()).contains("expected a JSON object");
    assertThat(client.post(inject, "{\"stage\":\"double\",\"task\":1} trailing").status())
        .isEqualTo(400);
    assertThat(client.post(inject, "{\"stage\": 5, \"task\": 1}").error())
        .contains("\"stage\" must be a string");

    run.closeInputs();
    var result = run.await();
    assertThat(result.isCompleted()).isTrue();
    assertThat(result.stats("double").received()).isZero();
  }
}

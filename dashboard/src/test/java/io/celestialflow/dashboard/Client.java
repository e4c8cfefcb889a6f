package io.celestialflow.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A plain java.net.http client for the dashboard's API, as a script would use it. */
final class Client {
  /** One response. */
  record Response(int status, String body, HttpHeaders headers) {
    JsonElement json() {
      return JsonParser.parseString(body);
    }

    String error() {
      return json().getAsJsonObject().get("error").getAsString();
    }
  }

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final URI base;
  final String token;

  Client(Dashboard dashboard) {
    this(URI.create("http://127.0.0.1:" + dashboard.port() + "/"), dashboard.token().orElse(null));
  }

  Client(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  Response get(String path) {
    return send(request(path).GET());
  }

  JsonElement getJson(String path) {
    Response r = get(path);
    assertThat(r.status()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return r.json();
  }

  Response post(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .header("X-CelestialFlow-Csrf", "1")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Response post(String path, String json, Map<String, String> headers) {
    HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofString(json));
    headers.forEach(b::header);
    return send(b);
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

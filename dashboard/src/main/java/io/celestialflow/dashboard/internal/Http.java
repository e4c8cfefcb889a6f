package io.celestialflow.dashboard.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.PathTemplateMatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Request and response plumbing shared by the routes: JSON in and out, errors, dispatch. */
public final class Http {
  private static final Logger LOG = LoggerFactory.getLogger(Http.class);

  /** The JSON the API writes: Gson's defaults, so {@code <} and {@code >} leave as escapes. */
  public static final Gson GSON = new GsonBuilder().create();

  private Http() {}

  /** A route body: runs on a worker thread, may block, throws {@link ApiException} to refuse. */
  @FunctionalInterface
  public interface Route {
    /**
     * Handles the request.
     *
     * @param exchange the request
     * @throws Exception on failure
     */
    void handle(HttpServerExchange exchange) throws Exception;
  }

  /**
   * A handler that moves the route off the IO thread, then runs it and turns refusals into JSON
   * errors: no route ever blocks one of Undertow's IO threads.
   *
   * @param route the route
   * @return the handler
   */
  public static HttpHandler worker(Route route) {
    return new HttpHandler() {
      @Override
      public void handleRequest(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
          exchange.dispatch(this);
          return;
        }
        try {
          exchange.startBlocking();
          route.handle(exchange);
        } catch (ApiException e) {
          error(exchange, e.status(), e.getMessage());
        } catch (Exception e) {
          LOG.warn("dashboard request {} failed", exchange.getRequestPath(), e);
          error(exchange, 500, "internal error: " + e);
        }
      }
    };
  }

  /**
   * Sends a JSON value.
   *
   * @param exchange the request
   * @param status the HTTP status
   * @param body the value, serialised with {@link #GSON}
   */
  public static void json(HttpServerExchange exchange, int status, Object body) {
    text(exchange, status, GSON.toJson(body));
  }

  /**
   * Sends JSON text.
   *
   * @param exchange the request
   * @param status the HTTP status
   * @param json the JSON
   */
  public static void text(HttpServerExchange exchange, int status, String json) {
    if (exchange.isResponseStarted()) {
      return;
    }
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json; charset=utf-8");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseSender().send(json, StandardCharsets.UTF_8);
  }

  /**
   * Sends an error as {@code {"error": message, "status": status}}.
   *
   * @param exchange the request
   * @param status the HTTP status
   * @param message what went wrong
   */
  public static void error(HttpServerExchange exchange, int status, @Nullable String message) {
    JsonObject o = new JsonObject();
    o.addProperty("error", message == null ? "error" : message);
    o.addProperty("status", status);
    text(exchange, status, GSON.toJson(o));
  }

  /**
   * A path parameter of the matched route.
   *
   * @param exchange the request
   * @param name the parameter
   * @return its value
   */
  public static String pathParam(HttpServerExchange exchange, String name) {
    PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
    String v = match == null ? null : match.getParameters().get(name);
    if (v == null) {
      throw ApiException.badRequest("missing path parameter " + name);
    }
    return v;
  }

  /**
   * A query parameter, or null if absent or blank.
   *
   * @param exchange the request
   * @param name the parameter
   * @return its first value
   */
  public static @Nullable String query(HttpServerExchange exchange, String name) {
    Deque<String> values = exchange.getQueryParameters().get(name);
    String v = values == null ? null : values.peekFirst();
    return v == null || v.isBlank() ? null : v;
  }

  /**
   * An integer query parameter.
   *
   * @param exchange the request
   * @param name the parameter
   * @param fallback the value when absent
   * @return the value
   * @throws ApiException if it is not an integer
   */
  public static int intQuery(HttpServerExchange exchange, String name, int fallback) {
    String v = query(exchange, name);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("query parameter " + name + " must be an integer, not " + v);
    }
  }

  /**
   * Reads the request body as one JSON object (blocking: call from a worker thread).
   *
   * @param exchange the request
   * @param limit the largest body accepted, in bytes
   * @return the object
   * @throws ApiException 413 when the body is larger than {@code limit}, 400 when it is not one
   *     JSON object
   * @throws IOException if reading fails
   */
  public static JsonObject readObject(HttpServerExchange exchange, int limit) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getInputStream()) {
      body = in.readNBytes(limit + 1);
    } catch (IOException e) {
      if (String.valueOf(e.getMessage()).contains("size")) {
        throw new ApiException(413, "request body larger than " + limit + " bytes");
      }
      throw e;
    }
    if (body.length > limit) {
      throw new ApiException(413, "request body larger than " + limit + " bytes");
    }
    String text = new String(body, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return new JsonObject();
    }
    try {
      JsonReader reader = new JsonReader(new StringReader(text));
      reader.setStrictness(Strictness.STRICT);
      JsonElement e = JsonParser.parseReader(reader);
      if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
        throw badJson("unexpected data after the JSON value");
      }
      if (!e.isJsonObject()) {
        throw badJson("expected a JSON object, got " + kind(e));
      }
      return e.getAsJsonObject();
    } catch (JsonParseException | IOException | IllegalStateException e) {
      throw badJson(reason(e));
    }
  }

  private static ApiException badJson(String why) {
    return ApiException.badRequest("malformed JSON: " + why);
  }

  private static String reason(Throwable e) {
    Throwable root = e.getCause() != null ? e.getCause() : e;
    String m = root.getMessage();
    return m == null ? root.getClass().getSimpleName() : m;
  }

  /**
   * Names the kind of a JSON value for messages.
   *
   * @param e the value
   * @return {@code an object}, {@code an array}, {@code null}, {@code a string}, ...
   */
  public static String kind(JsonElement e) {
    if (e.isJsonObject()) {
      return "an object";
    }
    if (e.isJsonArray()) {
      return "an array";
    }
    if (e.isJsonNull()) {
      return "null";
    }
    var p = e.getAsJsonPrimitive();
    return p.isString() ? "a string" : p.isNumber() ? "a number" : "a boolean";
  }
}

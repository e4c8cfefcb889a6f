package io.celestialflow.dashboard.internal;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.server.handlers.CookieImpl;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Stands in front of every route: security headers; the token when one is set (a bearer header, the
 * cookie the page gets, or {@code ?token=} on the first visit); without a token, only loopback host
 * names (against DNS rebinding); for every POST, the CSRF guard (a custom header that cross-site
 * pages cannot send without a preflight this server never grants, a matching {@code Origin} when
 * there is one, and a JSON content type) and the read-only flag. Runs on the IO thread: nothing
 * here blocks.
 */
final class Guard implements HttpHandler {
  /** The header every POST must carry. */
  static final String CSRF_HEADER = "X-CelestialFlow-Csrf";

  /** The cookie holding the token once the page was opened with {@code ?token=}. */
  static final String COOKIE = "celestialflow_token";

  private static final HttpString CSRF = new HttpString(CSRF_HEADER);
  private static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none';"
          + " frame-ancestors 'none'; form-action 'self'";

  private final HttpHandler next;
  private final byte @Nullable [] token;
  private final boolean readOnly;

  Guard(HttpHandler next, @Nullable String token, boolean readOnly) {
    this.next = next;
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.readOnly = readOnly;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    HeaderMap out = exchange.getResponseHeaders();
    out.put(new HttpString("Content-Security-Policy"), CSP);
    out.put(new HttpString("X-Content-Type-Options"), "nosniff");
    out.put(new HttpString("X-Frame-Options"), "DENY");
    out.put(new HttpString("Referrer-Policy"), "no-referrer");
    if (token != null) {
      if (!authorized(exchange)) {
        Http.error(
            exchange,
            401,
            "this dashboard needs its token: open the address printed at start-up (with ?token=),"
                + " or send Authorization: Bearer TOKEN");
        return;
      }
    } else if (!loopbackHost(exchange.getRequestHeaders().getFirst(Headers.HOST))) {
      Http.error(
          exchange,
          403,
          "this dashboard answers only to loopback host names (127.0.0.1, localhost, [::1])");
      return;
    }
    if (!exchange.getRequestMethod().equals(Methods.GET)
        && !exchange.getRequestMethod().equals(Methods.HEAD)) {
      String refusal = refusePost(exchange);
      if (refusal != null) {
        Http.error(exchange, refusal.startsWith("415") ? 415 : 403, refusal.substring(4));
        return;
      }
    }
    next.handleRequest(exchange);
  }

  private @Nullable String refusePost(HttpServerExchange exchange) {
    HeaderMap in = exchange.getRequestHeaders();
    if (in.getFirst(CSRF) == null) {
      return "403 POST requests need the header " + CSRF_HEADER + ": 1 (CSRF guard)";
    }
    String origin = in.getFirst(Headers.ORIGIN);
    String host = in.getFirst(Headers.HOST);
    if (origin != null
        && !origin.equals("null")
        && (host == null
            || !origin.toLowerCase(Locale.ROOT).endsWith("//" + host.toLowerCase(Locale.ROOT)))) {
      return "403 cross-origin POST refused (Origin " + origin + ")";
    }
    String type = in.getFirst(Headers.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      return "415 POST bodies must be JSON (Content-Type: application/json)";
    }
    if (readOnly && !exchange.getRelativePath().startsWith("/api/report")) {
      return "403 this dashboard is read-only";
    }
    return null;
  }

  private boolean authorized(HttpServerExchange exchange) {
    String auth = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (auth != null
        && auth.regionMatches(true, 0, "Bearer ", 0, 7)
        && matches(auth.substring(7).strip())) {
      return true;
    }
    Cookie cookie = exchange.getRequestCookie(COOKIE);
    if (cookie != null && matches(cookie.getValue())) {
      return true;
    }
    String query = Http.query(exchange, "token");
    if (query != null && matches(query)) {
      exchange.setResponseCookie(
          new CookieImpl(COOKIE, query).setHttpOnly(true).setSameSiteMode("Strict").setPath("/"));
      return true;
    }
    return false;
  }

  private boolean matches(String given) {
    byte[] expected = token;
    return expected != null
        && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether a Host header names this machine's loopback interface. */
  static boolean loopbackHost(@Nullable String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 && h.substring(1, end).equals("::1");
    }
    int colon = h.indexOf(':');
    String name = colon < 0 ? h : h.substring(0, colon);
    return name.equals("localhost") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }
}

package io.celestialflow.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link RedisServer} per test class (before all its tests), empties it before each
 * test, and stops it after the class — also when tests fail. Tests receive it as a parameter.
 */
final class RedisExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(RedisExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    context.getStore(NS).put("server", RedisServer.start());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    server(context).flush();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    RedisServer s = context.getStore(NS).remove("server", RedisServer.class);
    if (s != null) {
      s.close();
    }
  }

  private static RedisServer server(ExtensionContext context) {
    RedisServer s = context.getStore(NS).get("server", RedisServer.class);
    if (s == null) {
      throw new IllegalStateException("no redis-server for " + context.getDisplayName());
    }
    return s;
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == RedisServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return server(e);
  }
}

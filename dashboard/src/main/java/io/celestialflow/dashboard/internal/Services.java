package io.celestialflow.dashboard.internal;

import io.celestialflow.dashboard.history.StoreConnector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks up optional services. A service declared in a jar whose dependencies are missing (the
 * dashboard's run store adapter without {@code celestialflow-store}) fails to load; it is skipped,
 * and the dashboard works as it does without it.
 */
public final class Services {
  private static final Logger LOG = LoggerFactory.getLogger(Services.class);

  private Services() {}

  /**
   * Every implementation of a service that loads, in the class path's order.
   *
   * @param <S> the service type
   * @param service the service interface
   * @return the implementations that could be loaded
   */
  public static <S> List<S> load(Class<S> service) {
    List<S> out = new ArrayList<>();
    Iterator<S> it = ServiceLoader.load(service, Services.class.getClassLoader()).iterator();
    for (int errors = 0; errors < 100; ) {
      try {
        if (!it.hasNext()) {
          return out;
        }
        out.add(it.next());
      } catch (ServiceConfigurationError | LinkageError e) {
        errors++;
        // NoClassDefFoundError is a LinkageError; ServiceLoader wraps most in the first.
        LOG.debug("skipping a {} that cannot be loaded: {}", service.getSimpleName(), e.toString());
      }
    }
    return out;
  }

  /**
   * The run store connector, when {@code celestialflow-store} is on the class path.
   *
   * @return the connector, or empty
   */
  public static Optional<StoreConnector> storeConnector() {
    return load(StoreConnector.class).stream().findFirst();
  }
}

package io.celestialflow.processor;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import javax.tools.JavaFileObject;

/** The classes of a compilation, loaded so that a test can run the generated graphs. */
final class Loaded extends ClassLoader {
  private final Map<String, byte[]> classes = new HashMap<>();

  Loaded(Compilation compilation) {
    super(Loaded.class.getClassLoader());
    for (JavaFileObject f : compilation.generatedFiles()) {
      if (f.getKind() != JavaFileObject.Kind.CLASS) {
        continue;
      }
      // e.g. /CLASS_OUTPUT/demo/ShapesGraph$Run.class
      String path = f.toUri().getPath();
      String binary = path.substring("/CLASS_OUTPUT/".length(), path.length() - ".class".length());
      try (InputStream in = f.openInputStream()) {
        classes.put(binary.replace('/', '.'), in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    byte[] bytes = classes.get(name);
    if (bytes == null) {
      throw new ClassNotFoundException(name);
    }
    return defineClass(name, bytes, 0, bytes.length);
  }

  Class<?> type(String name) {
    try {
      return loadClass(name);
    } catch (ClassNotFoundException e) {
      throw new AssertionError(name + " was not compiled", e);
    }
  }

  /** Creates an instance with the constructor taking arguments of these types. */
  Object create(String type, Class<?>[] parameterTypes, Object... args) {
    try {
      var constructor = type(type).getDeclaredConstructor(parameterTypes);
      constructor.setAccessible(true);
      return constructor.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new LinkageError(e.getMessage(), e);
    }
  }

  /** Calls a public method by name (the first with that name and arity). */
  static Object call(Object target, String method, Object... args) {
    for (Method m : target.getClass().getMethods()) {
      if (m.getName().equals(method)
          && m.getParameterCount() == args.length
          && (args.length == 0 || m.getParameterTypes()[0].isInstance(args[0]))) {
        try {
          m.setAccessible(true);
          return m.invoke(target, args);
        } catch (InvocationTargetException e) {
          throw new AssertionError(e.getCause());
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    throw new AssertionError("no method " + method + " on " + target.getClass());
  }
}

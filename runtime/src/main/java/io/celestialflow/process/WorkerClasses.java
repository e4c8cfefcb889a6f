package io.celestialflow.process;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import org.jspecify.annotations.Nullable;

/**
 * Checks and instantiates the classes a worker JVM must recreate — a stage's function class and its
 * codec factory.
 */
final class WorkerClasses {
  private WorkerClasses() {}

  /**
   * Why a class cannot be instantiated in another JVM, or {@code null} if it can: it must be a
   * concrete, named, top-level or static nested class with a no-argument constructor that
   * reflection may call, on the class path (not in a named module) and loadable by the system class
   * loader (worker JVMs start with the same class path).
   *
   * @param type the class
   * @return the problem, or {@code null}
   */
  static @Nullable String problem(Class<?> type) {
    if (type.isHidden() || type.isSynthetic() || type.getName().contains("$$Lambda")) {
      return type.getName()
          + " is a lambda or hidden class, which cannot be recreated in another JVM; define a named"
          + " class with a no-argument constructor";
    }
    if (type.isAnonymousClass() || type.isLocalClass()) {
      return type.getName()
          + " is an anonymous or local class; a worker JVM needs a top-level or static nested class"
          + " with a no-argument constructor";
    }
    if (type.isMemberClass() && !Modifier.isStatic(type.getModifiers())) {
      return type.getName() + " is an inner class (it needs an enclosing instance); make it static";
    }
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      return type.getName() + " is abstract; a worker JVM needs a concrete class";
    }
    Constructor<?> ctor;
    try {
      ctor = type.getDeclaredConstructor();
    } catch (NoSuchMethodException e) {
      return type.getName() + " has no no-argument constructor";
    }
    if (!ctor.trySetAccessible()) {
      return "the no-argument constructor of "
          + type.getName()
          + " is not accessible (its module does not open the package)";
    }
    Module module = type.getModule();
    if (module.isNamed()) {
      return type.getName()
          + " is in module "
          + module.getName()
          + ", but worker JVMs start with the class path only (java.class.path); put it on the"
          + " class path";
    }
    try {
      if (Class.forName(type.getName(), false, ClassLoader.getSystemClassLoader()) != type) {
        return type.getName()
            + " was loaded by another class loader than the system class loader, so a worker JVM"
            + " started with the same class path would load a different class";
      }
    } catch (ClassNotFoundException | LinkageError e) {
      return type.getName()
          + " is not on the class path (java.class.path) that worker JVMs start with";
    }
    return null;
  }

  /**
   * Creates an instance with the no-argument constructor.
   *
   * @param type the class
   * @param <T> its type
   * @return a new instance
   * @throws IllegalArgumentException if the class cannot be instantiated (the message says why)
   * @throws RuntimeException the constructor's own exception, if it threw one
   */
  static <T> T instantiate(Class<T> type) {
    String problem = problem(type);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    try {
      Constructor<T> ctor = type.getDeclaredConstructor();
      ctor.setAccessible(true);
      return ctor.newInstance();
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw new IllegalStateException(
          "the constructor of " + type.getName() + " threw " + cause, cause == null ? e : cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot instantiate " + type.getName() + ": " + e, e);
    }
  }

  /**
   * Loads a class by name with the system class loader and checks its type.
   *
   * @param name the class name
   * @param expected the type it must be
   * @param <T> that type
   * @return the class
   * @throws IllegalArgumentException if it is missing or of another type
   */
  static <T> Class<? extends T> load(String name, Class<T> expected) {
    Class<?> c;
    try {
      c = Class.forName(name, false, ClassLoader.getSystemClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          "class " + name + " is not on this worker's class path: " + e, e);
    }
    if (!expected.isAssignableFrom(c)) {
      throw new IllegalArgumentException(name + " is not a " + expected.getName());
    }
    return c.asSubclass(expected);
  }
}

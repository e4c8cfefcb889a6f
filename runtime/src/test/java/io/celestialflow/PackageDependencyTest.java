package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which package of the runtime uses which, read from the constant pools of the compiled classes
 * (the class names, descriptors and generic signatures a class refers to; what {@code jdeps}
 * reads). The engine's package must not know the PROCESS backend: it reaches it only through the
 * seam's interfaces, so the backend can depend on the engine's API without a package cycle.
 */
class PackageDependencyTest {
  private static final String ROOT = "io.celestialflow";
  private static final String SEAM = "io.celestialflow.internal";
  private static final String PROCESS = "io.celestialflow.process";
  private static final String JFR = "io.celestialflow.jfr";

  /** Class name -> the runtime's classes it refers to (binary names, itself excluded). */
  private static final Map<String, Set<String>> REFS = new TreeMap<>();

  @BeforeAll
  static void readClasses() throws IOException {
    Path classes = ModuleDescriptorTest.classes();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(classes)) {
      files = walk.filter(p -> p.toString().endsWith(".class")).toList();
    }
    for (Path file : files) {
      String relative =
          classes.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
      if (relative.equals("module-info.class")) {
        continue; // it names the backend on purpose: provides ... with
      }
      String name = relative.substring(0, relative.length() - ".class".length()).replace('/', '.');
      Set<String> refs = new TreeSet<>();
      try (InputStream in = Files.newInputStream(file)) {
        for (String ref : referencedClasses(in)) {
          if (ref.startsWith(ROOT + ".") && !ref.equals(name)) {
            refs.add(ref);
          }
        }
      }
      REFS.put(name, refs);
    }
    assertThat(REFS).as("classes read from %s", classes).containsKey(TaskStage.class.getName());
  }

  @Test
  void theRootPackageNeverReferencesTheProcessBackend() {
    assertThat(references(ROOT, PROCESS)).isEmpty();
    assertThat(packagesOf(REFS.keySet())).doesNotContain("io.celestialflow.worker");
  }

  @Test
  void noPackageButTheBackendItselfReferencesIt() {
    // Nothing depends on the process package, so it cannot be part of a package cycle.
    Map<String, Set<String>> into = new TreeMap<>();
    REFS.forEach((from, refs) -> {
      if (!packageOf(from).equals(PROCESS)) {
        for (String to : refs) {
          if (packageOf(to).equals(PROCESS)) {
            into.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
          }
        }
      }
    });
    assertThat(into).isEmpty();
    assertThat(cyclesThrough(PROCESS)).isEmpty();
  }

  @Test
  void theRootPackageSeesTheBackendOnlyThroughTheSeamsInterfacesAndRecords() throws Exception {
    Set<String> seen = new TreeSet<>();
    references(ROOT, SEAM).values().forEach(seen::addAll);
    assertThat(seen).isNotEmpty();
    for (String name : seen) {
      Class<?> c = Class.forName(name, false, getClass().getClassLoader());
      assertThat(c.isInterface() || c.isRecord())
          .as("%s: the seam holds contracts and values, no implementation", name)
          .isTrue();
    }
  }

  @Test
  void theSeamIsBuiltOnTheApiNotOnTheEngine() throws Exception {
    for (Map.Entry<String, Set<String>> e : references(SEAM, ROOT).entrySet()) {
      for (String name : e.getValue()) {
        Class<?> c = Class.forName(name, false, getClass().getClassLoader());
        assertThat(Modifier.isPublic(c.getModifiers()))
            .as("%s refers to %s, which is not public API", e.getKey(), name)
            .isTrue();
      }
    }
    assertThat(references(SEAM, PROCESS)).isEmpty();
  }

  @Test
  void theJfrEventsAreBuiltOnThePublicEventsAndTheEngineOnlyCreatesTheirListener()
      throws Exception {
    for (Map.Entry<String, Set<String>> e : references(JFR, ROOT).entrySet()) {
      for (String name : e.getValue()) {
        Class<?> c = Class.forName(name, false, getClass().getClassLoader());
        assertThat(Modifier.isPublic(c.getModifiers()))
            .as("%s refers to %s, which is not public API", e.getKey(), name)
            .isTrue();
      }
    }
    assertThat(references(JFR, SEAM)).isEmpty();
    assertThat(references(JFR, PROCESS)).isEmpty();
    assertThat(references(ROOT, JFR))
        .containsOnlyKeys(RunEngine.class.getName())
        .containsValue(Set.of("io.celestialflow.jfr.JfrEvents"));
  }

  @Test
  void onlyTheProcessBridgeUsesTheSeamNotTheOtherDriversOrTheCore() {
    Set<String> users = new TreeSet<>(references(ROOT, SEAM).keySet());
    // The bridge and what it hands across: a stage's plan and settings, chunks, observations.
    assertThat(users)
        .allSatisfy(c ->
            assertThat(c)
                .matches(
                    "io\\.celestialflow\\.(ProcessBridge(\\$.*)?|ProcessOptions|TaskStage"
                        + "(\\$Builder)?|Chunk|Observers(\\$Observation)?)"));
    for (Class<?> hot :
        List.of(
            PlatformWorkers.class,
            VirtualThreadDispatcher.class,
            AsyncDispatcher.class,
            TaskCore.class,
            WorkerContext.class,
            StageRuntime.class,
            Inbox.class,
            Emission.class,
            Outlet.class)) {
      assertThat(REFS.get(hot.getName()))
          .as("%s must not go through the seam", hot.getSimpleName())
          .noneMatch(ref -> packageOf(ref).equals(SEAM));
    }
  }

  // ---------------------------------------------------------------- package graph

  /** For each class of package {@code from}: the classes of package {@code to} it refers to. */
  private static Map<String, Set<String>> references(String from, String to) {
    Map<String, Set<String>> found = new TreeMap<>();
    REFS.forEach((name, refs) -> {
      if (packageOf(name).equals(from)) {
        for (String ref : refs) {
          if (packageOf(ref).equals(to)) {
            found.computeIfAbsent(name, k -> new TreeSet<>()).add(ref);
          }
        }
      }
    });
    return found;
  }

  /** The packages reachable from {@code start} that reach it back (empty: no cycle through it). */
  private static Set<String> cyclesThrough(String start) {
    Map<String, Set<String>> graph = new TreeMap<>();
    REFS.forEach((name, refs) -> {
      Set<String> out = graph.computeIfAbsent(packageOf(name), k -> new TreeSet<>());
      for (String ref : refs) {
        String to = packageOf(ref);
        if (!to.equals(packageOf(name))) {
          out.add(to);
        }
      }
    });
    Set<String> from = reachable(graph, start);
    Set<String> back = new TreeSet<>();
    for (String p : from) {
      if (reachable(graph, p).contains(start)) {
        back.add(p);
      }
    }
    return back;
  }

  private static Set<String> reachable(Map<String, Set<String>> graph, String start) {
    Set<String> seen = new HashSet<>();
    List<String> todo = new ArrayList<>(graph.getOrDefault(start, Set.of()));
    while (!todo.isEmpty()) {
      String p = todo.removeLast();
      if (seen.add(p)) {
        todo.addAll(graph.getOrDefault(p, Set.of()));
      }
    }
    return seen;
  }

  private static Set<String> packagesOf(Set<String> classes) {
    Set<String> packages = new TreeSet<>();
    classes.forEach(c -> packages.add(packageOf(c)));
    return packages;
  }

  private static String packageOf(String className) {
    return className.substring(0, className.lastIndexOf('.'));
  }

  // ---------------------------------------------------------------- class files

  /** Class entries, and class names in descriptors and signatures (not in string constants). */
  private static final Pattern TYPE_IN_DESCRIPTOR = Pattern.compile("L([\\w$]+(?:/[\\w$]+)+)[;<]");

  /** The binary names of the classes a class file refers to in its constant pool. */
  static Set<String> referencedClasses(InputStream stream) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort(); // minor
    in.readUnsignedShort(); // major
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    List<Integer> classEntries = new ArrayList<>();
    Set<Integer> stringEntries = new HashSet<>();
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF(); // the class file's modified UTF-8, as readUTF expects
        case 7 -> classEntries.add(in.readUnsignedShort());
        case 8 -> stringEntries.add(in.readUnsignedShort());
        case 16, 19, 20 ->
            in.readUnsignedShort(); // MethodType (its descriptor is a Utf8), Module, Package
        case 15 -> in.skipNBytes(3); // MethodHandle
        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
        case 5, 6 -> {
          in.skipNBytes(8);
          i++; // a long or double takes two entries
        }
        default -> throw new IOException("unknown constant pool tag " + tag + " at " + i);
      }
    }
    Set<String> names = new TreeSet<>();
    for (int index : classEntries) {
      String n = utf8[index];
      if (n.startsWith("[")) {
        addTypes(n, names); // an array type: its element type
      } else {
        names.add(n.replace('/', '.'));
      }
    }
    for (int i = 1; i < count; i++) {
      if (utf8[i] != null && !stringEntries.contains(i) && !classEntries.contains(i)) {
        addTypes(utf8[i], names);
      }
    }
    return names;
  }

  private static void addTypes(String descriptor, Set<String> names) {
    Matcher m = TYPE_IN_DESCRIPTOR.matcher(descriptor);
    while (m.find()) {
      names.add(m.group(1).replace('/', '.'));
    }
  }
}

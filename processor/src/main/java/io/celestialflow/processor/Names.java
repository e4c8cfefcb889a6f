package io.celestialflow.processor;

import com.palantir.javapoet.ClassName;

/**
 * The runtime's names the processor needs. The processor does not depend on the runtime, so it
 * refers to the annotations and the API by name.
 */
final class Names {
  private Names() {}

  static final String PACKAGE = "io.celestialflow";

  static final String STAGE = PACKAGE + ".Stage";
  static final String EDGE = PACKAGE + ".Edge";
  static final String EDGES = PACKAGE + ".Edges";
  static final String PIPELINE = PACKAGE + ".Pipeline";

  static final String ROUTED = PACKAGE + ".Routed";
  static final String COMPLETION_STAGE = "java.util.concurrent.CompletionStage";
  static final String ITERABLE = "java.lang.Iterable";
  static final String STREAM = "java.util.stream.Stream";
  static final String COLLECTION = "java.util.Collection";
  static final String MAP = "java.util.Map";
  static final String GSON_CODEC_FACTORY = PACKAGE + ".codec.GsonCodecFactory";
  static final String JSON_ADAPTER = "com.google.gson.annotations.JsonAdapter";

  static final ClassName TASK_STAGE = ClassName.get(PACKAGE, "TaskStage");
  static final ClassName TASK_GRAPH = ClassName.get(PACKAGE, "TaskGraph");
  static final ClassName LAYOUT = ClassName.get(PACKAGE, "Layout");
  static final ClassName RUN_BUILDER = ClassName.get(PACKAGE, "RunBuilder");
  static final ClassName GRAPH_RUN = ClassName.get(PACKAGE, "GraphRun");
  static final ClassName GRAPH_RESULT = ClassName.get(PACKAGE, "GraphResult");
  static final ClassName RETRY_POLICY = ClassName.get(PACKAGE, "RetryPolicy");
  static final ClassName EXECUTION = ClassName.get(PACKAGE, "Execution");
  static final ClassName GRAPH_LAUNCHER = ClassName.get(PACKAGE + ".launch", "GraphLauncher");
  static final ClassName TASK_TYPE = GRAPH_LAUNCHER.nestedClass("TaskType");
  static final ClassName TASK_FUNCTION = ClassName.get(PACKAGE, "TaskFunction");
  static final ClassName TASK_CONSUMER = ClassName.get(PACKAGE, "TaskConsumer");
  static final ClassName ROUTED_CLASS = ClassName.get(PACKAGE, "Routed");
}

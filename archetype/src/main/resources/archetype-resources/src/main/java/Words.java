package ${package};

import io.celestialflow.Edge;
import io.celestialflow.ExecutionMode;
import io.celestialflow.Pipeline;
import io.celestialflow.Stage;
import io.celestialflow.StageKind;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A starter pipeline: lines of text are split into lower-case words, and each word is measured on
 * a pool of four threads, once: a word seen before is counted as a duplicate, not measured again.
 *
 * <p>Compiling this class generates {@code WordsGraph} next to it: the wiring, typed inputs and
 * outputs, and a {@code main} that runs the graph from the command line:
 *
 * <pre>
 * mvn -q compile exec:java -Dexec.args="--input split=tasks.json"
 * </pre>
 */
@Pipeline(name = "words")
public class Words {
  /** Creates the instance whose methods the stages call; the generated runner calls this. */
  public Words() {}

  /**
   * A word and its length.
   *
   * @param text the word
   * @param letters how many characters it has
   */
  public record Word(String text, int letters) {}

  /** Splits a line into words: a splitter, so each word becomes a task of the next stage. */
  @Stage(kind = StageKind.SPLITTER)
  @Edge(to = "measure")
  List<String> split(String line) {
    return Arrays.stream(line.toLowerCase(Locale.ROOT).split("\\s+"))
        .filter(w -> !w.isEmpty())
        .toList();
  }

  /** Measures a word, on four threads; duplicates are skipped. */
  @Stage(mode = ExecutionMode.THREAD, workers = 4, dedupe = true)
  Word measure(String word) {
    return new Word(word, word.length());
  }
}

package io.celestialflow.progress;

import java.util.ArrayList;
import java.util.List;

/**
 * Plays back what was written to a terminal, for the few control sequences the progress display
 * uses (carriage return, new line, cursor up, clear to end of screen, clear to end of line), and
 * gives the screen's lines as a person would read them.
 */
final class VirtualTerminal {
  private final List<StringBuilder> rows = new ArrayList<>();
  private int row;
  private int col;
  private int cursorUps;

  static VirtualTerminal play(String written) {
    VirtualTerminal t = new VirtualTerminal();
    t.write(written);
    return t;
  }

  private void write(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\033') {
        int j = i + 2; // after ESC [
        while (j < s.length() && Character.isDigit(s.charAt(j))) {
          j++;
        }
        String n = s.substring(i + 2, j);
        char command = s.charAt(j);
        switch (command) {
          case 'A' -> {
            row = Math.max(0, row - (n.isEmpty() ? 1 : Integer.parseInt(n)));
            cursorUps++;
          }
          case 'J' -> {
            line().setLength(Math.min(col, line().length()));
            while (rows.size() > row + 1) {
              rows.removeLast();
            }
          }
          case 'K' -> line().setLength(Math.min(col, line().length()));
          default -> throw new IllegalArgumentException("unexpected control sequence " + command);
        }
        i = j;
      } else if (c == '\r') {
        col = 0;
      } else if (c == '\n') {
        row++;
        col = 0;
      } else {
        StringBuilder line = line();
        while (line.length() < col) {
          line.append(' ');
        }
        if (col < line.length()) {
          line.setCharAt(col, c);
        } else {
          line.append(c);
        }
        col++;
      }
    }
  }

  private StringBuilder line() {
    while (rows.size() <= row) {
      rows.add(new StringBuilder());
    }
    return rows.get(row);
  }

  /** The screen, top to bottom, without the empty line the cursor rests on. */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (StringBuilder r : rows) {
      lines.add(r.toString());
    }
    while (!lines.isEmpty() && lines.getLast().isEmpty()) {
      lines.removeLast();
    }
    return lines;
  }

  /** How many times the cursor moved up: one per redraw. */
  int cursorUps() {
    return cursorUps;
  }
}

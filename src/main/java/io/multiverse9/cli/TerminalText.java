package io.multiverse9.cli;

/**
 * Text a server chose, made safe to print: a hostile or broken node must not be able to move the cursor, clear
 * the screen, retitle the window or hide lines in the operator's terminal. Control characters become visible
 * escapes ({@code \e[2J}, {@code \u0007}); nothing else changes.
 */
final class TerminalText {

  private TerminalText() {
  }

  static String escape(String text) {
    StringBuilder safe = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String escaped = escaped(c);
      if (escaped != null && safe == null) {
        safe = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (safe != null) {
        if (escaped != null) {
          safe.append(escaped);
        } else {
          safe.append(c);
        }
      }
    }
    return safe == null ? text : safe.toString();
  }

  /**
   * C0 and C1 controls and DEL, and the Unicode characters that reorder or break lines as a terminal shows them
   * (bidirectional overrides and isolates, line and paragraph separators); {@code null} for the others.
   */
  private static String escaped(char c) {
    switch (c) {
      case '\u001b':
        return "\\e";
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      default:
        break;
    }
    boolean control = c < 0x20 || (c >= 0x7f && c < 0xa0);
    boolean reorders = (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
      || c == '\u2028' || c == '\u2029' || c == '\u200e' || c == '\u200f';
    return control || reorders ? String.format("\\u%04x", (int) c) : null;
  }
}

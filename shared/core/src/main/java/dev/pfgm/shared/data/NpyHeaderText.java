package dev.pfgm.shared.data;

import dev.pfgm.shared.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Python dict literal of a .npy header, {'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), },
 * read in one left-to-right pass (a regular expression searched from every position was quadratic
 * in a hostile header). Exactly the three keys numpy writes, each once.
 */
record NpyHeaderText(String descr, boolean fortran, long[] shape) {

    static NpyHeaderText parse(String text, String name) {
        return new Parser(text, name).dict();
    }

    private static final class Parser {
        private final String s;
        private final String name;
        private int at;

        Parser(String s, String name) {
            this.s = s;
            this.name = name;
        }

        NpyHeaderText dict() {
            expect('{');
            String descr = null;
            Boolean fortran = null;
            long[] shape = null;
            while (true) {
                if (peek() == '}') {
                    at++;
                    break;
                }
                String key = string();
                expect(':');
                switch (key) {
                    case "descr" -> {
                        once(descr, key);
                        descr = string();
                    }
                    case "fortran_order" -> {
                        once(fortran, key);
                        fortran = bool();
                    }
                    case "shape" -> {
                        once(shape, key);
                        shape = tuple();
                    }
                    default -> throw bad("has an unknown key '" + key + "'");
                }
                char c = peek();
                if (c == ',') {
                    at++;
                } else if (c != '}') {
                    throw bad("expects ',' or '}' at byte " + at);
                }
            }
            if (descr == null || fortran == null || shape == null) {
                throw bad("lacks '" + (descr == null ? "descr" : fortran == null ? "fortran_order" : "shape") + "'");
            }
            return new NpyHeaderText(descr, fortran, shape);
        }

        private void once(Object seen, String key) {
            if (seen != null) {
                throw bad("names '" + key + "' twice");
            }
        }

        private String string() {
            char q = peek();
            if (q != '\'' && q != '"') {
                throw bad("expects a quoted string at byte " + at);
            }
            int end = s.indexOf(q, ++at);
            if (end < 0 || end - at > 64) {
                throw bad("has an unterminated or overlong string at byte " + at);
            }
            String v = s.substring(at, end);
            at = end + 1;
            return v;
        }

        private boolean bool() {
            skip();
            if (s.startsWith("True", at)) {
                at += 4;
                return true;
            }
            if (s.startsWith("False", at)) {
                at += 5;
                return false;
            }
            throw bad("expects True or False at byte " + at);
        }

        private long[] tuple() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            while (true) {
                char c = peek();
                if (c == ')') {
                    at++;
                    break;
                }
                int start = at;
                while (at < s.length() && Character.isDigit(s.charAt(at)) && at - start < 19) {
                    at++;
                }
                if (at == start) {
                    throw bad("has a shape entry that is not a non-negative integer at byte " + at);
                }
                if (at < s.length() && Character.isDigit(s.charAt(at))) {
                    throw bad("has a shape entry of more than 18 digits");
                }
                dims.add(Long.parseLong(s, start, at, 10));
                if (at < s.length() && s.charAt(at) == 'L') {
                    at++; // Python 2 longs
                }
                c = peek();
                if (c == ',') {
                    at++;
                } else if (c != ')') {
                    throw bad("expects ',' or ')' in the shape at byte " + at);
                }
                if (dims.size() > 32) {
                    throw bad("has a shape of more than 32 dimensions");
                }
            }
            long[] out = new long[dims.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = dims.get(i);
            }
            return out;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw bad("expects '" + c + "' at byte " + at);
            }
            at++;
        }

        /** The next character that is not white space (NUL at the end). */
        private char peek() {
            skip();
            return at < s.length() ? s.charAt(at) : '\0';
        }

        private void skip() {
            while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
                at++;
            }
        }

        private InvalidInputException bad(String what) {
            return new InvalidInputException(name + ": the .npy header " + what);
        }
    }
}

package dev.descent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Holds a program's output to the output a document shows: the same lines, the same words, and
 * every number within a tolerance — relative {@code rtol}, or two units in the last digit the
 * document prints — so that floating-point drift across kernels (FMA or not, vector width) passes
 * and a changed result does not.
 */
final class PrintedOutput {

    /** A number as printed: 1,600 · -0.0131 · 3.2948e-02 · 96.07 (a thousands separator only in groups of three). */
    private static final Pattern NUMBER = Pattern.compile("-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|-?\\d+(?:\\.\\d+)?(?:e[-+]\\d+)?");

    private PrintedOutput() {
    }

    /** Null when {@code actual} matches {@code expected}; else where and how they first differ. */
    static String mismatch(String expected, String actual, double rtol) {
        List<String> e = expected.strip().lines().toList(), a = actual.strip().lines().toList();
        for (int i = 0; i < Math.min(e.size(), a.size()); i++) {
            String why = lineMismatch(e.get(i), a.get(i), rtol);
            if (why != null) {
                return "line " + (i + 1) + ": " + why + "\n  expected: " + e.get(i) + "\n  actual:   " + a.get(i);
            }
        }
        if (e.size() != a.size()) {
            return "expected " + e.size() + " lines, got " + a.size();
        }
        return null;
    }

    private static String lineMismatch(String expected, String actual, double rtol) {
        List<String> e = tokens(expected), a = tokens(actual);
        if (e.size() != a.size()) {
            return "different shape (" + e.size() + " and " + a.size() + " parts)";
        }
        for (int i = 0; i < e.size(); i++) {
            String x = e.get(i), y = a.get(i);
            boolean xNum = NUMBER.matcher(x).matches(), yNum = NUMBER.matcher(y).matches();
            if (xNum != yNum) {
                return "'" + y + "' where '" + x + "' was shown";
            }
            if (!xNum) {
                if (!x.equals(y)) {
                    return "'" + y + "' where '" + x + "' was shown";
                }
                continue;
            }
            double want = value(x), got = value(y);
            double tol = Math.max(rtol * Math.abs(want), 2 * lastDigit(x));
            if (!(Math.abs(got - want) <= tol)) {
                return y + " is not within " + tol + " of " + x;
            }
        }
        return null;
    }

    /** Numbers and the text between them, whitespace collapsed (so that alignment may shift). */
    private static List<String> tokens(String line) {
        List<String> out = new ArrayList<>();
        Matcher m = NUMBER.matcher(line);
        int at = 0;
        while (m.find()) {
            text(line.substring(at, m.start()), out);
            out.add(m.group());
            at = m.end();
        }
        text(line.substring(at), out);
        return out;
    }

    private static void text(String s, List<String> out) {
        String t = s.strip().replaceAll("\\s+", " ");
        if (!t.isEmpty()) {
            out.add(t);
        }
    }

    private static double value(String number) {
        return Double.parseDouble(number.replace(",", ""));
    }

    /** One unit in the last printed digit: 0.0001 for 0.1264, 1 for 782, 1e-6 for 3.2948e-02. */
    private static double lastDigit(String number) {
        String n = number.replace(",", "");
        int exp = 0, e = n.indexOf('e');
        if (e >= 0) {
            exp = Integer.parseInt(n.substring(e + 1));
            n = n.substring(0, e);
        }
        int dot = n.indexOf('.');
        int decimals = dot < 0 ? 0 : n.length() - dot - 1;
        return Math.pow(10, exp - decimals);
    }
}

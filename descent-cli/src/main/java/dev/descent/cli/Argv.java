package dev.descent.cli;

import java.util.ArrayList;
import java.util.List;

/** Edits of a saved command line (what config.json keeps so that --resume can rebuild a run). */
final class Argv {

    private Argv() {
    }

    /** The arguments after the sub-command's name, without {@code option} and its value. */
    static List<String> forRun(List<String> original, String command, String... drop) {
        List<String> out = new ArrayList<>(original);
        if (!out.isEmpty() && out.get(0).equals(command)) {
            out.remove(0);
        }
        for (String option : drop) {
            for (int i = 0; i < out.size(); ) {
                String a = out.get(i);
                if (a.equals(option)) {
                    out.remove(i);
                    if (i < out.size()) {
                        out.remove(i);
                    }
                } else if (a.startsWith(option + "=")) {
                    out.remove(i);
                } else {
                    i++;
                }
            }
        }
        return out;
    }
}

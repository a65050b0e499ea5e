package dev.descent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Edits of a saved command line (what config.json keeps so that --resume can rebuild a run). */
final class Argv {

    private Argv() {
    }

    /**
     * Parses a command line saved by {@code --resume}-able commands into a fresh {@code command}
     * object (repeated options take their last value) and returns its parse result.
     */
    static picocli.CommandLine reparse(Object command, List<String> saved, String where, java.io.PrintWriter out) {
        picocli.CommandLine cl = new picocli.CommandLine(command);
        cl.setOverwrittenOptionsAllowed(true);
        cl.setOut(out);
        try {
            cl.parseArgs(saved.toArray(String[]::new));
        } catch (picocli.CommandLine.ParameterException e) {
            throw new BadInputException(where + ": the saved command line does not parse (" + e.getMessage() + ")");
        }
        return cl;
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

    /**
     * Refuses a {@code --resume} command line that gives options the resumed run would not use: a
     * resume rebuilds the run from its saved command line, so any other option (a larger
     * {@code --epochs}, say) would otherwise be dropped without a word. {@code --debug} and the
     * options in {@code alsoAllowed} are the only ones taken.
     *
     * @throws BadInputException naming the options given, and where the run's own are
     */
    static void resumeOnly(picocli.CommandLine.ParseResult given, String saved, Set<String> alsoAllowed) {
        List<String> extra = new ArrayList<>();
        for (picocli.CommandLine.Model.OptionSpec o : given.matchedOptions()) {
            String name = o.longestName();
            if (!name.equals("--resume") && !name.equals("--debug") && !alsoAllowed.contains(name) && !extra.contains(name)) {
                extra.add(name);
            }
        }
        if (!extra.isEmpty()) {
            throw new BadInputException("--resume continues with the options the run was started with (" + saved + "), so "
                    + String.join(", ", extra) + (extra.size() == 1 ? " is" : " are") + " not taken: leave "
                    + (extra.size() == 1 ? "it" : "them") + " out, or start a new run");
        }
    }
}

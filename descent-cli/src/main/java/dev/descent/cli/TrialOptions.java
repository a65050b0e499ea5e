package dev.descent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.descent.tune.Distribution;
import dev.descent.tune.SearchSpace;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The training options of one tuning trial: the base options given to {@code tune} with the trial's
 * parameters appended as {@code --NAME VALUE}, parsed exactly as {@code descent train} parses them —
 * so any training option can be searched, and a trial's command line re-runs it with {@code train}.
 */
@Command(name = "train")
final class TrialOptions {

    /** Options that are the study's, not a trial's: where files go, threads, the seed and the split. */
    static final Set<String> NOT_TUNABLE = Set.of("out", "threads", "seed", "val-size", "log-freq", "val-freq", "val-batches");

    @Mixin
    ModelOptions model = new ModelOptions();
    @Mixin
    OptimizerOptions optimizer = new OptimizerOptions();
    @Mixin
    ScheduleOptions schedule = new ScheduleOptions();
    @Mixin
    TrainOptions train = new TrainOptions();

    /** Parses {@code args}; a bad value names {@code what}. */
    static TrialOptions parse(List<String> args, String what) {
        TrialOptions o = new TrialOptions();
        CommandLine cl = new CommandLine(o);
        cl.setOverwrittenOptionsAllowed(true);
        try {
            cl.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new BadInputException(what + e.getMessage());
        }
        return o;
    }

    /** Runs every check {@code train} runs before it loads data. */
    TrialOptions check() {
        OptionChecks.beforeData(model, optimizer, List.of(optimizer.name()), schedule, train);
        return this;
    }

    /** The command-line words that set option {@code name} to {@code value}. */
    static List<String> override(String name, Object value) {
        String option = "--" + name;
        return switch (value) {
            case Boolean b -> b ? List.of(option) : List.of();
            case List<?> l -> List.of(option, String.join(",", l.stream().map(String::valueOf).toList()));
            case Double d -> List.of(option, d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : Double.toString(d));
            default -> List.of(option, String.valueOf(value));
        };
    }

    /**
     * Checks that every parameter of {@code space} names a tunable training option and that every
     * value it can take — the ends of a range, each choice — is one {@code train} accepts.
     */
    static void checkSpace(SearchSpace space, List<String> base) {
        CommandLine.Model.CommandSpec spec = new CommandLine(new TrialOptions()).getCommandSpec();
        List<String> tunable = spec.options().stream().map(o -> o.longestName().substring(2))
                .filter(n -> !NOT_TUNABLE.contains(n) && !n.equals("help") && !n.equals("version")).sorted().toList();
        for (SearchSpace.Param p : space.params()) {
            CommandLine.Model.OptionSpec o = spec.findOption("--" + p.name());
            if (o == null || NOT_TUNABLE.contains(p.name())) {
                throw new BadInputException("search space: unknown option '" + p.name() + "' (tunable: " + String.join(", ", tunable) + ")");
            }
            boolean flag = o.arity().max() == 0;
            Class<?> type = o.type();
            boolean whole = type == int.class || type == Integer.class || type == long.class || type == Long.class;
            if (whole && p.distribution() instanceof Distribution.FloatRange) {
                throw new BadInputException("search space: " + p.name() + " takes whole numbers; use int:LOW..HIGH or logint:LOW..HIGH");
            }
            for (Object v : candidates(p.distribution())) {
                if (flag && !(v instanceof Boolean)) {
                    throw new BadInputException("search space: " + p.name() + " is a flag; its choices must be true and false");
                }
                List<String> args = new ArrayList<>(base);
                args.addAll(override(p.name(), v));
                String what = "search space: " + p.name() + " = " + v + ": ";
                try {
                    parse(args, what).check();
                } catch (BadInputException e) {
                    throw e.getMessage().startsWith("search space") ? e : new BadInputException(what + e.getMessage());
                }
            }
        }
    }

    private static List<Object> candidates(Distribution d) {
        return switch (d) {
            case Distribution.FloatRange f -> List.of(f.low(), f.high());
            case Distribution.IntRange r -> List.of(r.low(), r.high());
            case Distribution.Categorical c -> c.choices();
        };
    }
}

package dev.descent.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.tune.Direction;
import dev.descent.tune.Distribution;
import dev.descent.tune.Importance;
import dev.descent.tune.Pareto;
import dev.descent.tune.SearchSpace;
import dev.descent.tune.Study;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.Trial;
import dev.descent.tune.TrialRecord;
import dev.descent.tune.TrialState;
import dev.descent.tune.storage.StudyCopy;
import dev.descent.tune.storage.StudySnapshot;
import dev.descent.tune.storage.StudyStorage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code descent study}: a study that any program, in any language, drives by asking for parameters
 * and telling results, one JSON line in and out per call:
 *
 * <pre>
 * descent study create runs/s --param x=float:-5..10 --param opt=choice:sgd|adam --direction minimize
 * descent study ask runs/s                          {"number":0,"params":{"x":3.2,"opt":"adam"}}
 * descent study report runs/s --trial 0 --step 1 --value 0.8      {"number":0,"step":1,"prune":false}
 * descent study tell runs/s --trial 0 --value 1.25                {"number":0,"state":"complete"}
 * descent study show runs/s                         trials, best or Pareto front, importance
 * descent study copy runs/s postgresql://db/tuning?user=me --study s     to a database, and back
 * </pre>
 * Every call opens the study's storage: a directory's journal, which several processes may share, or
 * a study in a PostgreSQL database ({@code postgresql://HOST/DB?user=NAME --study NAME}), which
 * processes on many machines may share.
 */
@Command(name = "study", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Drive a study from any program: create it, ask for a trial's parameters, report intermediate values, tell its result.",
                "Each call prints one JSON line. A study is a directory (its journal, which several processes may use at once) or",
                "postgresql://HOST[:PORT]/DB?user=NAME --study NAME (shared by machines; the password from PGPASSWORD or ~/.pgpass).",
                "copy moves a study between the two."},
        subcommands = {StudyCommand.Create.class, StudyCommand.Ask.class, StudyCommand.Report.class, StudyCommand.Tell.class, StudyCommand.Show.class,
                StudyCommand.Copy.class})
public final class StudyCommand implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static void print(PrintWriter out, JsonNode n) {
        out.println(n.toString());
        out.flush();
    }

    /** Where a study is: the positional argument and {@code --study}. */
    static final class Where {
        @Parameters(index = "0", paramLabel = "STUDY", description = "the study's directory, or a postgresql://HOST[:PORT]/DB?user=NAME URL with --study")
        String where;

        @Option(names = "--study", paramLabel = "NAME", description = "the study's name in a postgresql:// database")
        String name;

        StudyLocation location() {
            return StudyLocation.parse(where, name, "STUDY");
        }
    }

    /** The storage of an existing study. */
    private static StudyStorage existing(StudyLocation loc) {
        StudyStorage st = loc.open();
        if (!st.exists()) {
            st.close();
            throw new BadInputException(loc + " holds no study (create one with descent study create …)");
        }
        return st;
    }

    /** The study at {@code loc}, with the sampler and pruner its attributes name. */
    private static Study open(StudyLocation loc) {
        StudyStorage st = existing(loc);
        try {
            StudyHeader h = checked(() -> st.read().header());
            SearchOptions search = SearchOptions.read(h.attrs());
            return Study.open(st, search.sampler(h.attrs().path("seed").asLong(0)), search.pruner());
        } catch (RuntimeException e) {
            st.close();
            throw e;
        }
    }

    /** Runs {@code step}, turning a broken rule (a finished trial, a wrong count of values) into bad input. */
    private static <T> T checked(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    private static ObjectNode trialJson(dev.descent.tune.storage.StudySnapshot snap, TrialRecord t) {
        ObjectNode o = TrainingSession.JSON.createObjectNode();
        o.put("number", t.number());
        o.put("state", t.state().label());
        Map<String, Object> params = new LinkedHashMap<>();
        t.params().forEach((k, v) -> params.put(k, snap.distributions().get(k).external(v)));
        o.set("params", TrainingSession.JSON.valueToTree(params));
        if (!t.values().isEmpty()) {
            ArrayNode v = o.putArray("values");
            t.values().forEach(v::add);
        }
        if (t.retryOf() >= 0) {
            o.put("retry_of", t.retryOf());
        }
        return o;
    }

    /** {@code descent study create}. */
    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false, description = "Create a study with a declared search space.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Where where = new Where();

        @Mixin
        SpaceOptions space = new SpaceOptions();

        @Option(names = "--direction", defaultValue = "minimize", paramLabel = "DIR[,DIR…]",
                description = "minimize or maximize, one per objective (default: ${DEFAULT-VALUE})")
        String direction;

        @Option(names = "--objectives", paramLabel = "NAME[,NAME…]", description = "the objectives' names (default: value, or value0, value1, …)")
        String objectives;

        @Option(names = "--prune-on", paramLabel = "NAME", description = "the objective that reported values measure (default: the first)")
        String pruneOn;

        @Mixin
        SearchOptions search = new SearchOptions();

        @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "the sampler's seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Override
        public Integer call() {
            space.command = "study create";
            SearchSpace s = space.space();
            List<Direction> dirs = new ArrayList<>();
            for (String d : direction.split(",", -1)) {
                dirs.add(switch (d.trim().toLowerCase(Locale.ROOT)) {
                    case "minimize", "min" -> Direction.MINIMIZE;
                    case "maximize", "max" -> Direction.MAXIMIZE;
                    default -> throw new BadInputException("--direction: '" + d.trim() + "' is not minimize or maximize");
                });
            }
            List<String> names = new ArrayList<>();
            if (objectives != null) {
                for (String n : objectives.split(",", -1)) {
                    names.add(n.trim());
                }
            } else {
                for (int i = 0; i < dirs.size(); i++) {
                    names.add(dirs.size() == 1 ? "value" : "value" + i);
                }
            }
            if (names.size() != dirs.size() || names.stream().anyMatch(String::isEmpty)) {
                throw new BadInputException("--objectives names " + names.size() + " objectives for " + dirs.size() + " directions");
            }
            int prune = pruneOn == null ? 0 : names.indexOf(pruneOn.trim());
            if (prune < 0) {
                throw new BadInputException("--prune-on " + pruneOn + " is not one of the objectives " + names);
            }
            search.sampler(seed); // checks the settings
            search.pruner();
            ObjectNode attrs = TrainingSession.JSON.createObjectNode();
            search.write(attrs, seed);
            StudyHeader h = checked(() -> new StudyHeader(s, dirs, names, prune, attrs));
            StudyLocation loc = where.location();
            StudyStorage st = loc.open();
            if (st.exists()) {
                st.close();
                throw new BadInputException(loc + " already holds a study");
            }
            try (Study study = Study.create(st, h, search.sampler(seed), search.pruner())) {
                ObjectNode o = TrainingSession.JSON.createObjectNode();
                o.put("study", loc.toString());
                ArrayNode objs = o.putArray("objectives");
                for (int i = 0; i < names.size(); i++) {
                    objs.addObject().put("name", names.get(i)).put("direction", dirs.get(i).name().toLowerCase(Locale.ROOT));
                }
                ArrayNode ps = o.putArray("params");
                s.params().forEach(p -> ps.add(p.name()));
                print(spec.commandLine().getOut(), o);
            }
            return 0;
        }
    }

    /** {@code descent study ask}. */
    @Command(name = "ask", mixinStandardHelpOptions = true, description = "Hand out the next trial: prints {\"number\": N, \"params\": {…}}.")
    static final class Ask implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Where where = new Where();

        @Option(names = "--count", defaultValue = "1", paramLabel = "N", description = "trials to hand out, one line each (default: ${DEFAULT-VALUE})")
        int count;

        @Override
        public Integer call() {
            if (count < 1) {
                throw new BadInputException("--count must be >= 1, got " + count);
            }
            try (Study study = open(where.location())) {
                for (int i = 0; i < count; i++) {
                    // Another program runs the trial: it has no owner process to outlive.
                    Trial t = checked(() -> study.ask(null));
                    ObjectNode o = TrainingSession.JSON.createObjectNode();
                    o.put("number", t.number());
                    o.set("params", TrainingSession.JSON.valueToTree(t.params()));
                    print(spec.commandLine().getOut(), o);
                }
            }
            return 0;
        }
    }

    /** {@code descent study report}. */
    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Record an intermediate value of a running trial and print whether the pruner stops it: {\"number\":N,\"step\":S,\"prune\":true|false}.")
    static final class Report implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Where where = new Where();

        @Option(names = "--trial", required = true, paramLabel = "N", description = "the trial's number")
        int trial;

        @Option(names = "--step", required = true, paramLabel = "S", description = "the step (epoch, validation) the value belongs to; increasing")
        int step;

        @Option(names = "--value", required = true, paramLabel = "V", description = "the value of the pruning objective at that step")
        double value;

        @Override
        public Integer call() {
            try (Study study = open(where.location())) {
                boolean prune = checked(() -> study.report(trial, step, value));
                ObjectNode o = TrainingSession.JSON.createObjectNode().put("number", trial).put("step", step).put("prune", prune);
                print(spec.commandLine().getOut(), o);
            }
            return 0;
        }
    }

    /** {@code descent study tell}. */
    @Command(name = "tell", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Record how a trial ended: its values, or that it was pruned or failed.",
                    "--json reads {\"number\":N,\"values\":[…]} or {\"number\":N,\"state\":\"pruned\"|\"fail\",\"message\":\"…\"} (one per line; - for standard input)."})
    static final class Tell implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Where where = new Where();

        @Option(names = "--trial", paramLabel = "N", description = "the trial's number")
        Integer trial;

        @Option(names = "--value", split = ",", paramLabel = "V[,V…]", description = "its value, one per objective")
        List<Double> values;

        @Option(names = "--state", paramLabel = "STATE", description = "pruned or fail, for a trial that has no values")
        String state;

        @Option(names = "--message", defaultValue = "", paramLabel = "TEXT", description = "why it was pruned or failed")
        String message;

        @Option(names = "--json", paramLabel = "JSON|-", description = "the result as JSON, or - to read JSON lines from standard input")
        String json;

        @Override
        public Integer call() throws IOException {
            List<JsonNode> results = new ArrayList<>();
            if (json != null) {
                if (trial != null || values != null || state != null) {
                    throw new BadInputException("--json gives the whole result; leave out --trial, --value and --state");
                }
                if (json.equals("-")) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                    for (String line; (line = in.readLine()) != null; ) {
                        if (!line.isBlank()) {
                            results.add(parse(line));
                        }
                    }
                } else {
                    results.add(parse(json));
                }
            } else {
                if (trial == null) {
                    throw new BadInputException("tell needs --trial N with --value or --state (or --json)");
                }
                ObjectNode o = TrainingSession.JSON.createObjectNode().put("number", trial);
                if (values != null) {
                    ArrayNode a = o.putArray("values");
                    values.forEach(a::add);
                }
                if (state != null) {
                    o.put("state", state);
                }
                o.put("message", message);
                results.add(o);
            }
            try (Study study = open(where.location())) {
                for (JsonNode r : results) {
                    print(spec.commandLine().getOut(), tell(study, r));
                }
            }
            return 0;
        }

        private static JsonNode parse(String text) {
            try {
                JsonNode n = TrainingSession.JSON.readTree(text);
                if (n == null || !n.isObject()) {
                    throw new BadInputException("--json: expected an object such as {\"number\": 3, \"values\": [0.9]}, got " + text);
                }
                return n;
            } catch (JsonProcessingException e) {
                throw new BadInputException("--json: not valid JSON (" + e.getOriginalMessage() + ")");
            }
        }

        private static JsonNode tell(Study study, JsonNode r) {
            JsonNode num = r.get("number");
            if (num == null || !num.canConvertToInt()) {
                throw new BadInputException("tell: the result names no trial number: " + r);
            }
            int n = num.asInt();
            String st = r.path("state").asText("complete").toLowerCase(Locale.ROOT);
            JsonNode vs = r.get("values") != null ? r.get("values") : r.get("value");
            String msg = r.path("message").asText("");
            switch (st) {
                case "complete" -> {
                    if (vs == null) {
                        throw new BadInputException("tell: trial " + n + " needs its value(s), or a state of pruned or fail");
                    }
                    List<Double> list = new ArrayList<>();
                    if (vs.isArray()) {
                        vs.forEach(v -> list.add(number(v)));
                    } else {
                        list.add(number(vs));
                    }
                    double[] arr = list.stream().mapToDouble(Double::doubleValue).toArray();
                    checked(() -> {
                        study.tell(n, arr);
                        return null;
                    });
                }
                case "pruned" -> checked(() -> {
                    study.tellPruned(n, msg);
                    return null;
                });
                case "fail", "failed" -> checked(() -> {
                    study.tellFailed(n, msg);
                    return null;
                });
                default -> throw new BadInputException("tell: state '" + st + "' is not complete, pruned or fail");
            }
            TrialRecord t = study.trials().get(n);
            return TrainingSession.JSON.createObjectNode().put("number", n).put("state", t.state().label());
        }

        private static double number(JsonNode v) {
            if (v.isNumber()) {
                return v.asDouble();
            }
            if (v.isTextual()) {
                try {
                    return Double.parseDouble(v.asText());
                } catch (NumberFormatException e) {
                    // fall through
                }
            }
            throw new BadInputException("tell: " + v + " is not a number");
        }
    }

    /** {@code descent study show}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print the study as JSON: its trials, its best trial or Pareto front, and each parameter's importance.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Where where = new Where();

        @Override
        public Integer call() {
            StudyLocation loc = where.location();
            try (StudyStorage storage = existing(loc)) {
                StudySnapshot snap = checked(storage::read);
                StudyHeader h = snap.header();
                List<TrialRecord> trials = snap.trials();
                ObjectNode o = TrainingSession.JSON.createObjectNode();
                o.put("study", loc.toString());
                ArrayNode objs = o.putArray("objectives");
                for (int i = 0; i < h.objectives().size(); i++) {
                    objs.addObject().put("name", h.objectives().get(i)).put("direction", h.directions().get(i).name().toLowerCase(Locale.ROOT));
                }
                ObjectNode counts = o.putObject("trials");
                for (TrialState st : TrialState.values()) {
                    counts.put(st.label(), trials.stream().filter(t -> t.state() == st).count());
                }
                // Read only: showing a study changes nothing in it.
                if (h.multiObjective()) {
                    ArrayNode front = o.putArray("pareto_front");
                    Pareto.front(trials, h.directions()).forEach(t -> front.add(trialJson(snap, t)));
                } else {
                    trials.stream().filter(t -> t.state() == TrialState.COMPLETE)
                            .min(java.util.Comparator.comparingDouble(t -> h.direction().loss(t.value())))
                            .ifPresent(t -> o.set("best", trialJson(snap, t)));
                }
                ObjectNode imp = o.putObject("importance");
                Map<String, Distribution> dists = new LinkedHashMap<>(snap.distributions());
                for (int i = 0; i < h.objectives().size(); i++) {
                    Map<String, Double> m = Importance.pedAnova(trials, dists, i, h.directions().get(i), 0.1);
                    if (!m.isEmpty()) {
                        ObjectNode x = imp.putObject(h.objectives().get(i));
                        m.forEach(x::put);
                    }
                }
                print(spec.commandLine().getOut(), o);
            }
            return 0;
        }
    }

    /** {@code descent study copy}. */
    @Command(name = "copy", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Copy a study to another storage: a study directory to a PostgreSQL database, or back, or between two of either.",
                    "Every trial keeps its number, parameters, reports, state, values and time; the copy is checked as a live study is.",
                    "Prints {\"from\":…,\"to\":…,\"trials\":N,…}."})
    static final class Copy implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FROM", description = "the study's directory, or a postgresql:// URL")
        String from;

        @Parameters(index = "1", paramLabel = "TO", description = "where the copy goes (it must hold no study yet): a directory, or a postgresql:// URL")
        String to;

        @Option(names = "--study", paramLabel = "NAME", description = "the study's name in a FROM or TO database")
        String name;

        @Option(names = "--to-study", paramLabel = "NAME", description = "its name in a TO database, when it differs (default: --study, or FROM's directory name)")
        String toName;

        @Override
        public Integer call() {
            StudyLocation src = StudyLocation.parse(from, name, "FROM");
            String target = toName != null ? toName : name != null ? name : src.database() ? null : src.dir().toAbsolutePath().normalize().getFileName().toString();
            StudyLocation dst = StudyLocation.parse(to, target, "TO");
            try (StudyStorage a = existing(src); StudyStorage b = dst.open()) {
                if (b.exists()) {
                    throw new BadInputException(dst + " already holds a study; copy it to another place or name (--to-study)");
                }
                StudySnapshot copy = checked(() -> StudyCopy.copy(a, b));
                ObjectNode o = TrainingSession.JSON.createObjectNode();
                o.put("from", src.toString()).put("to", dst.toString()).put("trials", copy.trials().size());
                for (TrialState st : TrialState.values()) {
                    o.put(st.label(), copy.trials().stream().filter(t -> t.state() == st).count());
                }
                print(spec.commandLine().getOut(), o);
            }
            return 0;
        }
    }
}

package dev.descent.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.io.FormatException;
import dev.descent.tune.Distribution;
import dev.descent.tune.Importance;
import dev.descent.tune.Pareto;
import dev.descent.tune.StudyHeader;
import dev.descent.tune.TrialRecord;
import dev.descent.tune.TrialState;
import dev.descent.tune.storage.JournalStorage;
import dev.descent.tune.storage.PostgresStorage;
import dev.descent.tune.storage.PostgresTarget;
import dev.descent.tune.storage.StudySnapshot;

/**
 * The studies (directories holding a {@value JournalStorage#FILE}) under the runs root, the root
 * itself included, and every study of the PostgreSQL databases the dashboard was given; all read
 * only: the dashboard never locks, repairs or writes a journal, and only selects from a database.
 * A journal study's id is its path relative to the root ("." for the root); a database study's is
 * {@code postgresql:I:NAME} (the I-th database). Each study is read incrementally and its JSON rebuilt
 * only when it changed, so a page polling a study of thousands of trials stays cheap.
 */
final class StudyStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How deep studies are looked for: runs/s, runs/challenge/study. */
    private static final int DEPTH = 3;

    /** The prefix of a database study's id. */
    private static final String DB = "postgresql:";

    /** A database and the password to log in with (null: the driver's ~/.pgpass). */
    record Database(PostgresTarget target, String password) {
    }

    private final Path root;
    private final List<Database> databases;
    private final Map<Path, Cached> cache = new HashMap<>();
    /** Database studies by id: each keeps its connection, reads only the events it has not seen, and its page. */
    private final Map<String, DbCached> dbCache = new HashMap<>();

    /** A database study as last read: its storage (holding the connection) and the page of its last events. */
    private static final class DbCached {
        final PostgresStorage storage;
        long events = -1;
        ObjectNode page;

        DbCached(PostgresStorage storage) {
            this.storage = storage;
        }
    }

    /** A study as last read: the journal's handle (for incremental reads), its size and time, and the JSON. */
    private static final class Cached {
        final JournalStorage journal;
        long size = -1;
        long modified = -1;
        StudySnapshot snapshot;
        ObjectNode page;

        Cached(JournalStorage journal) {
            this.journal = journal;
        }
    }

    StudyStore(Path root) {
        this(root, List.of());
    }

    StudyStore(Path root, List<Database> databases) {
        this.root = root.toAbsolutePath().normalize();
        this.databases = List.copyOf(databases);
    }

    /** Every study, newest first: id, objectives, trial counts, the best value or the front's size. */
    List<ObjectNode> list() {
        List<ObjectNode> out = new ArrayList<>();
        if (Files.isDirectory(root)) {
            journals(out);
        }
        out.sort((a, b) -> Long.compare(b.path("modified").asLong(), a.path("modified").asLong()));
        for (int i = 0; i < databases.size(); i++) {
            Database d = databases.get(i);
            List<String> names;
            try {
                names = PostgresStorage.studies(d.target(), d.password());
            } catch (RuntimeException e) {
                out.add(JSON.createObjectNode().put("id", DB + i).put("unreadable", d.target() + ": " + e.getMessage()).put("modified", 0));
                continue;
            }
            for (String name : names) {
                String id = DB + i + ":" + name;
                ObjectNode row = JSON.createObjectNode();
                row.put("id", id);
                try {
                    summarise(row, databasePage(id));
                } catch (FormatException | IllegalArgumentException | UncheckedIOException e) {
                    row.put("unreadable", e.getMessage() == null ? e.toString() : e.getMessage());
                }
                out.add(row);
            }
        }
        return out;
    }

    /** The journal studies under the root, each a row. */
    private void journals(List<ObjectNode> out) {
        List<Path> dirs;
        try (Stream<Path> s = Files.walk(root, DEPTH)) {
            dirs = s.filter(p -> p.getFileName() != null && p.getFileName().toString().equals(JournalStorage.FILE)).map(Path::getParent).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path dir : dirs) {
            ObjectNode row = JSON.createObjectNode();
            row.put("id", id(dir));
            try {
                summarise(row, page(dir));
                row.put("modified", Files.getLastModifiedTime(dir.resolve(JournalStorage.FILE)).toMillis());
            } catch (FormatException | IllegalArgumentException | IOException | UncheckedIOException e) {
                row.put("unreadable", e.getMessage() == null ? e.toString() : e.getMessage());
                row.put("modified", 0);
            }
            out.add(row);
        }
    }

    /** A study's row in the list, from its page. */
    private static void summarise(ObjectNode row, ObjectNode page) {
        row.set("objectives", page.get("objectives"));
        row.set("directions", page.get("directions"));
        row.set("counts", page.get("counts"));
        row.set("best", page.get("best_values"));
        row.put("front", page.get("pareto").size());
    }

    private String id(Path dir) {
        String rel = root.relativize(dir).toString().replace('\\', '/');
        return rel.isEmpty() ? "." : rel;
    }

    /**
     * The directory of study {@code id}.
     *
     * @throws BadRequest 400 for a malformed id, 404 for one that names no study
     */
    Path dir(String id) {
        if (id == null || id.isBlank()) {
            throw BadRequest.invalid("missing query parameter 'id'");
        }
        if (id.length() > 500 || id.contains("\0") || id.contains("\\") || id.startsWith("/")) {
            throw BadRequest.invalid("malformed study id");
        }
        if (!id.equals(".")) {
            for (String part : id.split("/")) {
                if (part.equals("..") || part.equals(".") || part.isEmpty()) {
                    throw BadRequest.invalid("malformed study id '" + id + "'");
                }
            }
        }
        Path dir = id.equals(".") ? root : root.resolve(id).normalize();
        if (!dir.startsWith(root) || !Files.isRegularFile(dir.resolve(JournalStorage.FILE))) {
            throw BadRequest.notFound("no study '" + id + "'");
        }
        try {
            if (!dir.toRealPath().startsWith(root.toRealPath()) || !dir.resolve(JournalStorage.FILE).toRealPath().startsWith(root.toRealPath())) {
                throw BadRequest.notFound("no study '" + id + "'");
            }
        } catch (IOException e) {
            throw BadRequest.notFound("no study '" + id + "'");
        }
        return dir;
    }

    /** Everything the study page draws. */
    ObjectNode study(String id) {
        if (id != null && id.startsWith(DB)) {
            try {
                ObjectNode page = JSON.createObjectNode();
                page.setAll(databasePage(id));
                page.put("id", id);
                page.put("runs", false); // its trials' runs are on the workers' machines
                return page;
            } catch (FormatException | IllegalArgumentException e) {
                throw new BadRequest(422, "study '" + id + "' cannot be read: " + e.getMessage());
            }
        }
        Path dir = dir(id);
        try {
            ObjectNode page = JSON.createObjectNode();
            page.setAll(page(dir)); // a shallow copy: the cached columns are shared, never changed
            page.put("id", id);
            page.put("trials_prefix", id.equals(".") ? "trials/" : id + "/trials/");
            page.put("runs", Files.isDirectory(dir.resolve("trials"))); // tune keeps each trial's run there
            return page;
        } catch (FormatException | IllegalArgumentException e) {
            throw new BadRequest(422, "study '" + id + "' cannot be read: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized ObjectNode page(Path dir) throws IOException {
        Path file = dir.resolve(JournalStorage.FILE);
        Cached c = cache.computeIfAbsent(dir, d -> new Cached(JournalStorage.inDirectory(d)));
        long size = Files.size(file);
        long modified = Files.getLastModifiedTime(file).toMillis();
        if (c.page == null || size != c.size || modified != c.modified) {
            c.snapshot = c.journal.read();
            c.page = build(c.snapshot);
            c.size = size;
            c.modified = modified;
        }
        return c.page;
    }

    /**
     * The page of database study {@code id}, rebuilt when the study has new events.
     *
     * @throws BadRequest 404 for an id that names no database or no study in it
     */
    private synchronized ObjectNode databasePage(String id) {
        String[] f = id.split(":", 3);
        int i = -1;
        if (f.length == 3 && f[1].matches("[0-9]{1,4}")) {
            i = Integer.parseInt(f[1]);
        }
        if (i < 0 || i >= databases.size() || f[2].isEmpty()) {
            throw BadRequest.notFound("no study '" + id + "'");
        }
        DbCached c = dbCache.get(id);
        if (c == null) {
            Database d = databases.get(i);
            PostgresStorage s = PostgresStorage.open(d.target(), d.password(), f[2]);
            if (!s.exists()) {
                s.close();
                throw BadRequest.notFound("no study '" + id + "'");
            }
            c = new DbCached(s);
            dbCache.put(id, c);
        }
        StudySnapshot snap = c.storage.read();
        if (c.page == null || c.storage.events() != c.events) {
            c.page = build(snap);
            c.events = c.storage.events();
        }
        return c.page;
    }

    /** Closes the database connections. */
    synchronized void close() {
        dbCache.values().forEach(c -> c.storage.close());
        dbCache.clear();
    }

    /**
     * The page's data, column by column (a few hundred kilobytes for thousands of trials): each
     * parameter's values as the sampler sees them (a choice's index), null where it was inactive.
     */
    private static ObjectNode build(StudySnapshot s) {
        StudyHeader h = s.header();
        ObjectNode o = JSON.createObjectNode();
        ArrayNode names = o.putArray("objectives");
        h.objectives().forEach(names::add);
        ArrayNode dirs = o.putArray("directions");
        h.directions().forEach(d -> dirs.add(d.name().toLowerCase(Locale.ROOT)));
        o.put("prune_objective", h.pruneObjective());
        o.put("torn_tail", s.tornTail());
        ArrayNode params = o.putArray("params");
        for (Map.Entry<String, Distribution> e : s.distributions().entrySet()) {
            ObjectNode p = params.addObject().put("name", e.getKey());
            switch (e.getValue()) {
                case Distribution.FloatRange f -> p.put("type", "float").put("low", f.low()).put("high", f.high()).put("log", f.log());
                case Distribution.IntRange r -> p.put("type", "int").put("low", r.low()).put("high", r.high()).put("log", r.log());
                case Distribution.Categorical cat -> {
                    p.put("type", "categorical");
                    ArrayNode ch = p.putArray("choices");
                    cat.choices().forEach(x -> ch.add(String.valueOf(x)));
                }
            }
        }
        List<TrialRecord> trials = s.trials();
        ObjectNode t = o.putObject("trials");
        ArrayNode number = t.putArray("number");
        ArrayNode state = t.putArray("state");
        ArrayNode values = t.putArray("values");
        ArrayNode seconds = t.putArray("seconds");
        ArrayNode inter = t.putArray("intermediate");
        ObjectNode pv = t.putObject("params");
        Map<String, ArrayNode> columns = new LinkedHashMap<>();
        s.distributions().keySet().forEach(n -> columns.put(n, pv.putArray(n)));
        ObjectNode counts = o.putObject("counts");
        for (TrialState st : TrialState.values()) {
            counts.put(st.label(), 0);
        }
        for (TrialRecord r : trials) {
            number.add(r.number());
            state.add(r.state().label());
            counts.put(r.state().label(), counts.get(r.state().label()).asInt() + 1);
            if (r.values().isEmpty()) {
                values.addNull();
            } else {
                ArrayNode v = values.addArray();
                r.values().forEach(x -> add(v, x));
            }
            add(seconds, r.seconds());
            ArrayNode steps = inter.addArray();
            r.intermediate().forEach((k, v) -> add(steps.addArray().add(k), v));
            columns.forEach((n, col) -> {
                Double v = r.params().get(n);
                if (v == null) {
                    col.addNull();
                } else {
                    col.add(v);
                }
            });
        }
        ArrayNode front = o.putArray("pareto");
        ArrayNode best = o.putArray("best_values");
        if (h.multiObjective()) {
            Pareto.front(trials, h.directions()).forEach(r -> front.add(r.number()));
        } else {
            trials.stream().filter(r -> r.state() == TrialState.COMPLETE).min((a, b) -> Double.compare(h.direction().loss(a.value()), h.direction().loss(b.value())))
                    .ifPresent(r -> {
                        o.put("best", r.number());
                        add(best, r.value());
                    });
        }
        ObjectNode imp = o.putObject("importance");
        for (int i = 0; i < h.objectives().size(); i++) {
            Map<String, Double> m = Importance.pedAnova(trials, s.distributions(), i, h.directions().get(i), 0.1);
            ObjectNode x = imp.putObject(h.objectives().get(i));
            m.forEach(x::put);
        }
        return o;
    }

    /** JSON has no NaN or infinity: those become null. */
    private static void add(ArrayNode a, double v) {
        if (Double.isFinite(v)) {
            a.add(v);
        } else {
            a.addNull();
        }
    }
}

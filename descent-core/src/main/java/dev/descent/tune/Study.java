package dev.descent.tune;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.tune.storage.InMemoryStorage;
import dev.descent.tune.storage.JournalStorage;
import dev.descent.tune.storage.StudySnapshot;
import dev.descent.tune.storage.StudyStorage;
import dev.descent.tune.storage.TrialStart;

/**
 * A hyperparameter study (Optuna's {@code Study}): a {@link Sampler} that proposes trials, a
 * {@link Pruner} that stops poor ones early, and a {@link StudyStorage} that keeps every trial's
 * parameters, intermediate values and results as they happen (by default a journal in the study's
 * directory, which several processes may share).
 *
 * <p>Its interface is ask and tell: {@link #ask()} hands out a trial, the caller evaluates it however
 * it likes, {@link #tell} records the result. {@link #optimize} is a loop of exactly that, on several
 * threads. A study may declare its search space, or let trials suggest parameters as they run
 * ({@link Trial#suggestFloat}), or both.
 *
 * <p>Crashes: a running trial whose process died (see {@link TrialOwner}), or, with
 * {@link #heartbeat(Duration)}, whose worker on any machine stopped beating, is marked failed when the
 * study is next opened or asked; with {@link #retryFailed(int)} it is queued again with the same
 * parameters, as a new trial. Trials interrupted by {@link #abandon()} (Ctrl-C) are always queued
 * again. A budget in trials counts the trials the sampler drew, not these repeats.
 */
public final class Study implements AutoCloseable {

    /** The message of a trial whose process died while it ran. */
    static final String DIED = "its process died while it ran";
    /** The message of a trial interrupted by {@link #abandon()}. */
    static final String INTERRUPTED = "interrupted";
    /** The message of a trial whose worker stopped sending heartbeats. */
    static final String SILENT = "its worker stopped beating";

    private final StudyStorage storage;
    private final StudyHeader header;
    private final Sampler sampler;
    private final Pruner pruner;
    private final Map<String, Distribution> distributions = new ConcurrentHashMap<>();
    private final Set<Integer> mine = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Long> startedAt = new ConcurrentHashMap<>();
    private volatile int retryFailed;
    private volatile boolean stopRequested;
    private volatile boolean abandoned;
    private volatile Duration heartbeat;
    private ScheduledExecutorService beater;

    private Study(StudyStorage storage, StudyHeader header, Sampler sampler, Pruner pruner) {
        this.storage = storage;
        this.header = header;
        this.sampler = sampler;
        this.pruner = pruner == null ? new Pruner.None() : pruner;
    }

    /**
     * Starts a new study in {@code storage}.
     *
     * @throws IllegalArgumentException if the storage already holds a study
     */
    public static Study create(StudyStorage storage, StudyHeader header, Sampler sampler, Pruner pruner) {
        storage.create(header);
        return new Study(storage, header, sampler, pruner).learn(storage.read());
    }

    /**
     * Starts a new single-objective study with a journal in {@code dir} (created if needed).
     *
     * @param attrs anything the caller needs to rebuild the objective on resume (kept in the journal)
     * @throws IllegalArgumentException if {@code dir} already holds a study
     */
    public static Study create(Path dir, SearchSpace space, Direction direction, Sampler sampler, Pruner pruner, JsonNode attrs) {
        ObjectNode a = attrs == null ? null : attrs.deepCopy().require();
        return create(JournalStorage.inDirectory(dir), new StudyHeader(space, List.of(direction), List.of("value"), 0, a), sampler, pruner);
    }

    /** A study kept in memory only (lost at exit), with one objective. */
    public static Study inMemory(SearchSpace space, Direction direction, Sampler sampler, Pruner pruner) {
        return create(new InMemoryStorage(), StudyHeader.of(space, direction), sampler, pruner);
    }

    /**
     * Re-opens the study in {@code storage} to continue it; running trials whose process died are
     * marked failed.
     *
     * @throws IllegalArgumentException if there is no study there
     * @throws dev.descent.io.FormatException if the stored study is corrupt
     */
    public static Study open(StudyStorage storage, Sampler sampler, Pruner pruner) {
        StudySnapshot s = storage.read();
        Study study = new Study(storage, s.header(), sampler, pruner).learn(s);
        study.failDeadTrials();
        return study;
    }

    /** Re-opens the study whose journal is in {@code dir}. */
    public static Study open(Path dir, Sampler sampler, Pruner pruner) {
        return open(JournalStorage.inDirectory(dir), sampler, pruner);
    }

    /** The journal of the study in {@code dir}. */
    public static Path journalFile(Path dir) {
        return dir.resolve(JournalStorage.FILE);
    }

    /** Whether {@code dir} holds a study. */
    public static boolean exists(Path dir) {
        return JournalStorage.inDirectory(dir).exists();
    }

    /**
     * Reads the header of the study in {@code dir} without opening it (and without changing anything).
     *
     * @throws IllegalArgumentException if there is no study there
     */
    public static StudyHeader header(Path dir) {
        try (JournalStorage j = JournalStorage.inDirectory(dir)) {
            return j.read().header();
        }
    }

    private Study learn(StudySnapshot s) {
        distributions.putAll(s.distributions());
        return this;
    }

    /**
     * Queues failed trials whose process died again, with the same parameters, up to {@code max}
     * times each (0, the default, never).
     *
     * @return this study
     */
    public Study retryFailed(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("retries must be >= 0, got " + max);
        }
        retryFailed = max;
        return this;
    }

    /** How many times a failed trial whose process died is queued again. */
    public int retryFailedLimit() {
        return retryFailed;
    }

    /**
     * Makes this process send heartbeats for the trials it runs: one when a trial starts, then every
     * quarter of {@code timeout}, each promising the next within {@code timeout}. A trial whose worker
     * misses that (killed, its machine gone, cut off from the storage) is marked failed by whichever
     * worker of the study asks next, and queued again under {@link #retryFailed(int)}.
     *
     * @return this study
     * @throws IllegalArgumentException if {@code timeout} is under 100 ms
     */
    public synchronized Study heartbeat(Duration timeout) {
        if (timeout.toMillis() < 100) {
            throw new IllegalArgumentException("the heartbeat timeout must be at least 100 ms, got " + timeout.toMillis() + " ms");
        }
        heartbeat = timeout;
        if (beater == null) {
            beater = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "descent-heartbeat");
                t.setDaemon(true);
                return t;
            });
            long every = Math.max(25, timeout.toMillis() / 4);
            beater.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** The heartbeat timeout, or null when this process sends none. */
    public Duration heartbeatTimeout() {
        return heartbeat;
    }

    private void beat() {
        Duration timeout = heartbeat;
        for (int n : List.copyOf(mine)) {
            try {
                storage.heartbeat(n, timeout);
            } catch (RuntimeException e) {
                // The storage is out of reach: the next beat tries again; if none gets through in time,
                // other workers judge the trial silent, which is what it is to them.
            }
        }
    }

    /** Where the study is kept. */
    public StudyStorage storage() {
        return storage;
    }

    /** What the study is: space, objectives, attributes. */
    public StudyHeader header() {
        return header;
    }

    /** The declared search space, or null when trials suggest their parameters. */
    public SearchSpace space() {
        return header.space();
    }

    /** The direction of the first (in a single-objective study, the only) objective. */
    public Direction direction() {
        return header.direction();
    }

    /** One direction per objective. */
    public List<Direction> directions() {
        return header.directions();
    }

    /** The attributes given at creation. */
    public ObjectNode attrs() {
        return header.attrs();
    }

    /** Every trial so far, by number, as the storage holds them now. */
    public List<TrialRecord> trials() {
        StudySnapshot s = storage.read();
        learn(s);
        return s.trials();
    }

    /**
     * The best complete trial, if any.
     *
     * @throws IllegalStateException in a study of several objectives (see {@link #paretoFront()})
     */
    public Optional<TrialRecord> best() {
        if (header.multiObjective()) {
            throw new IllegalStateException("a study of several objectives has no single best trial; see its Pareto front");
        }
        return best(trials(), header.direction());
    }

    static Optional<TrialRecord> best(List<TrialRecord> trials, Direction direction) {
        TrialRecord best = null;
        for (TrialRecord t : trials) {
            if (t.state() == TrialState.COMPLETE && (best == null || direction.better(t.value(), best.value()))) {
                best = t;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The complete trials no other complete trial beats in every objective, by the first objective. */
    public List<TrialRecord> paretoFront() {
        return Pareto.front(trials(), header.directions());
    }

    /** The values the objective sees for a trial's parameters. */
    public Map<String, Object> params(TrialRecord t) {
        Map<String, Object> out = new LinkedHashMap<>();
        t.params().forEach((k, v) -> out.put(k, distribution(k).external(v)));
        return out;
    }

    /** The distribution of parameter {@code name}, declared or suggested by some trial. */
    Distribution distribution(String name) {
        Distribution d = distributions.get(name);
        if (d == null) {
            learn(storage.read());
            d = distributions.get(name);
        }
        if (d == null) {
            throw new IllegalArgumentException("parameter '" + name + "' is not in the study");
        }
        return d;
    }

    void checkDistribution(String name, Distribution d) {
        Distribution known = distribution(name);
        if (!known.equals(d)) {
            throw new IllegalArgumentException("parameter '" + name + "' is " + known + " in this study, not " + d);
        }
    }

    /** Stops starting new trials (running ones finish); safe to call from any thread. */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Stops starting trials and marks the trials this process runs as interrupted, queueing each again
     * with its parameters: for an orderly shutdown (Ctrl-C) that must not record results of partial
     * runs. Results told afterwards for those trials are ignored.
     */
    public void abandon() {
        abandoned = true;
        stopRequested = true;
        for (int n : List.copyOf(mine)) {
            if (storage.finish(n, TrialState.FAIL, List.of(), 0, INTERRUPTED)) {
                requeue(n);
            }
            mine.remove(n);
        }
    }

    /** Whether {@link #abandon()} was called. */
    public boolean abandoned() {
        return abandoned;
    }

    /**
     * Hands out the next trial: a waiting one (a retry, oldest first) if any, else a new one with the
     * sampler's parameters; owned by this process, so that it is marked failed should the process die.
     */
    public Trial ask() {
        return ask(TrialOwner.current());
    }

    /**
     * Hands out the next trial, owned by {@code owner}: null for a trial that another program runs
     * (as {@code descent study ask} hands them out), which is never judged dead.
     */
    public Trial ask(TrialOwner owner) {
        return ask(owner, null).orElseThrow(() -> new IllegalStateException("the sampler has no trial left (its grid is exhausted)"));
    }

    /** The next trial within {@code budget} (null for none), or empty when the budget is spent. */
    Optional<Trial> ask(TrialOwner owner, Budget budget) {
        failDeadTrials();
        Map<String, Double> relative = new LinkedHashMap<>();
        Optional<TrialRecord> started = storage.startTrial(s -> {
            relative.clear();
            learn(s);
            for (TrialRecord t : s.trials()) {
                if (t.state() == TrialState.WAITING) {
                    return new TrialStart.Claim(t.number(), owner);
                }
            }
            if (spent(s, budget)) {
                return null;
            }
            int number = s.trials().size();
            SamplingContext ctx = new SamplingContext(s.trials(), header.directions(), number, "");
            if (header.space() != null) {
                Map<String, Double> params = sampler.sample(header.space(), ctx);
                if (!header.space().accepts(params)) {
                    throw new IllegalStateException("sampler proposed " + params + ", which does not fit the space");
                }
                return new TrialStart.Create(params, TrialState.RUNNING, -1, owner);
            }
            SearchSpace inferred = intersection(s);
            if (inferred != null) {
                relative.putAll(sampler.sample(inferred, ctx));
            }
            return new TrialStart.Create(Map.of(), TrialState.RUNNING, -1, owner);
        });
        return started.map(t -> {
            startedAt.put(t.number(), System.nanoTime());
            if (owner != null && owner.equals(TrialOwner.current())) {
                mine.add(t.number());
                Duration timeout = heartbeat;
                if (timeout != null) {
                    storage.heartbeat(t.number(), timeout);
                }
            }
            return new Trial(this, t.number(), t.params(), relative);
        });
    }

    private boolean spent(StudySnapshot s, Budget budget) {
        int drawn = (int) s.trials().stream().filter(t -> t.retryOf() < 0).count();
        OptionalLong cap = header.space() == null ? OptionalLong.empty() : sampler.capacity(header.space());
        if (cap.isPresent() && drawn >= cap.getAsLong()) {
            return true;
        }
        if (budget == null) {
            return false;
        }
        if (budget.trials() > 0 && drawn >= budget.trials()) {
            return true;
        }
        return budget.steps() > 0 && s.trials().stream().mapToLong(TrialRecord::lastStep).sum() >= budget.steps();
    }

    /** The parameters every observed trial has, with their distributions (Optuna's intersection search space). */
    private static SearchSpace intersection(StudySnapshot s) {
        List<TrialRecord> seen = s.trials().stream().filter(t -> t.state() == TrialState.COMPLETE || t.state() == TrialState.PRUNED).toList();
        if (seen.isEmpty()) {
            return null;
        }
        List<SearchSpace.Param> params = new ArrayList<>();
        for (String name : seen.get(0).params().keySet()) {
            if (seen.stream().allMatch(t -> t.params().containsKey(name))) {
                params.add(new SearchSpace.Param(name, s.distributions().get(name), null));
            }
        }
        return params.isEmpty() ? null : SearchSpace.of(params);
    }

    /** Samples (or takes the pre-sampled value of) a parameter a running trial suggests, and records it. */
    double suggest(Trial trial, String name, Distribution distribution, Double presampled) {
        Distribution known = distributions.get(name);
        if (known != null && !known.equals(distribution)) {
            throw new IllegalArgumentException("parameter '" + name + "' is " + known + " in this study, not " + distribution);
        }
        double v;
        if (presampled != null && distribution.contains(presampled)) {
            v = presampled;
        } else {
            SamplingContext ctx = new SamplingContext(trials(), header.directions(), trial.number(), name);
            v = sampler.sample(SearchSpace.of(List.of(new SearchSpace.Param(name, distribution, null))), ctx).get(name);
        }
        storage.setParam(trial.number(), name, distribution, v);
        distributions.putIfAbsent(name, distribution);
        return v;
    }

    /**
     * Records trial {@code trial}'s objective values: complete, or failed if a value is NaN.
     *
     * @throws IllegalArgumentException if the number of values is not the number of objectives, or
     *                                  the trial is not running
     */
    public void tell(Trial trial, double... values) {
        tell(trial.number(), values);
    }

    /** {@link #tell(Trial, double...)} by trial number (for a trial another process asked for). */
    public void tell(int number, double... values) {
        if (values.length != header.directions().size()) {
            throw new IllegalArgumentException("trial " + number + ": " + values.length + " value" + (values.length == 1 ? "" : "s")
                    + " for a study of " + header.directions().size() + " objective" + (header.directions().size() == 1 ? "" : "s") + " " + header.objectives());
        }
        List<Double> vs = new ArrayList<>();
        for (double v : values) {
            vs.add(v);
        }
        if (vs.stream().anyMatch(v -> Double.isNaN(v))) {
            finish(number, TrialState.FAIL, List.of(), "the objective returned NaN");
        } else {
            finish(number, TrialState.COMPLETE, vs, "");
        }
    }

    /** Records that trial {@code number} was pruned. */
    public void tellPruned(int number, String message) {
        finish(number, TrialState.PRUNED, List.of(), message);
    }

    /** Records that trial {@code number} failed, and why. */
    public void tellFailed(int number, String message) {
        finish(number, TrialState.FAIL, List.of(), message);
    }

    private void finish(int number, TrialState state, List<Double> values, String message) {
        Long t0 = startedAt.remove(number);
        double secs = t0 == null ? 0 : (System.nanoTime() - t0) / 1e9;
        if (!storage.finish(number, state, values, secs, message)) {
            if (mine.contains(number) || abandoned) {
                mine.remove(number);
                return; // abandoned: a result after an interruption is not recorded
            }
            throw new IllegalArgumentException("trial " + number + " is already finished");
        }
        mine.remove(number);
    }

    /**
     * Marks running trials whose process died, or whose worker stopped beating, as failed, and queues
     * failed ones again as the retry policy says (interrupted trials always, trials whose process died
     * up to {@link #retryFailed} times). Safe to run in several processes at once: each failed trial is
     * queued again once.
     */
    public void failDeadTrials() {
        List<TrialRecord> all = storage.read().trials();
        boolean died = false;
        for (TrialRecord t : all) {
            if (t.state() == TrialState.RUNNING && t.owner() != null && !mine.contains(t.number()) && t.owner().isDeadHere()) {
                storage.finish(t.number(), TrialState.FAIL, List.of(), 0, DIED + " (pid " + t.owner().pid() + ")");
                died = true;
            }
        }
        for (int n : storage.silentTrials()) {
            if (!mine.contains(n) && n < all.size()) {
                TrialOwner o = all.get(n).owner();
                String who = o == null ? "" : " (pid " + o.pid() + " on " + o.host() + ")";
                storage.finish(n, TrialState.FAIL, List.of(), 0, SILENT + who);
                died = true;
            }
        }
        if (died) {
            all = storage.read().trials();
        }
        Set<Integer> retried = new java.util.HashSet<>();
        for (TrialRecord t : all) {
            retried.add(t.retryOf());
        }
        for (TrialRecord t : all) {
            if (t.state() == TrialState.FAIL && !retried.contains(t.number()) && wantsRetry(t, all)) {
                requeue(t.number());
            }
        }
    }

    private boolean wantsRetry(TrialRecord t, List<TrialRecord> all) {
        if (t.message().equals(INTERRUPTED)) {
            return true;
        }
        if (!t.message().startsWith(DIED) && !t.message().startsWith(SILENT)) {
            return false;
        }
        int depth = 0;
        for (TrialRecord x = t; x.retryOf() >= 0; x = all.get(x.retryOf())) {
            depth++;
        }
        return depth < retryFailed;
    }

    /** Queues failed trial {@code number} again, unless a retry of it exists already. */
    private void requeue(int number) {
        storage.startTrial(s -> {
            for (TrialRecord t : s.trials()) {
                if (t.retryOf() == number) {
                    return null;
                }
            }
            return new TrialStart.Create(s.trials().get(number).params(), TrialState.WAITING, number, null);
        });
    }

    /**
     * Records an intermediate value of running trial {@code number} (of the study's pruning objective)
     * and returns the pruner's decision: whether the trial should stop.
     *
     * @throws IllegalArgumentException if the trial is not running or the step does not increase
     */
    public boolean report(int number, int step, double value) {
        storage.report(number, step, value);
        List<TrialRecord> all = trials();
        return pruner.prune(all.get(number), all, header.directions().get(header.pruneObjective()));
    }

    /**
     * Runs trials of a single-objective study on {@code jobs} threads until the budget is spent (or
     * the sampler's grid is exhausted, or {@link #requestStop()}), then waits for the running trials.
     *
     * @throws IllegalArgumentException if the budget has no limit and the sampler none either, jobs &lt; 1,
     *                                  or the study has several objectives
     */
    public void optimize(Objective objective, Budget budget, int jobs, StudyListener listener) {
        if (header.multiObjective()) {
            throw new IllegalArgumentException("this study has " + header.directions().size() + " objectives " + header.objectives()
                    + "; optimize it with optimizeMulti");
        }
        optimizeMulti(t -> new double[] {objective.evaluate(t)}, budget, jobs, listener);
    }

    /** {@link #optimize(Objective, Budget, int, StudyListener)} for an objective with one value per objective. */
    public void optimizeMulti(MultiObjective objective, Budget budget, int jobs, StudyListener listener) {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be >= 1, got " + jobs);
        }
        if (!budget.bounded() && (header.space() == null || sampler.capacity(header.space()).isEmpty())) {
            throw new IllegalArgumentException("the study needs a budget: a number of trials, steps or a time limit");
        }
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(jobs, r -> {
            Thread t = new Thread(r, "descent-trial");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < jobs; w++) {
                Worker worker = new Worker(this, objective, listener);
                workers.add(pool.submit(() -> worker.run(budget, start)));
            }
            for (Future<?> f : workers) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopRequested = true;
        } finally {
            pool.shutdown();
            try {
                pool.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether {@link #requestStop()} or {@link #abandon()} was called. */
    boolean stopRequested() {
        return stopRequested;
    }

    /**
     * Whether a worker whose budget is spent should wait: failed trials are retried here, heartbeats
     * are on, and a trial of another process still runs (it may die, and its retry needs a worker).
     */
    boolean othersMayNeedARetry() {
        if (retryFailed == 0 || heartbeat == null) {
            return false;
        }
        for (TrialRecord t : trials()) {
            if (t.state() == TrialState.RUNNING && t.owner() != null && !mine.contains(t.number())
                    && !t.owner().equals(TrialOwner.current())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (beater != null) {
                beater.shutdownNow();
                beater = null;
            }
        }
        storage.close();
    }
}

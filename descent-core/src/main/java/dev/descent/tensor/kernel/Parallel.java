package dev.descent.tensor.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * A fixed pool of worker threads for kernel-level parallelism.
 *
 * <p>Work is expressed as a number of independent tasks over disjoint parts of an output; which thread
 * runs a task never changes what it computes, so results are bit-identical for any thread count.
 * The caller runs tasks too. Workers spin briefly before parking because training issues thousands
 * of sub-millisecond products per second, where waking a parked thread (tens of microseconds on a
 * VM) would cost more than the work. When another thread already uses the pool (two trainers in one
 * JVM, or a kernel called from inside a task), the call runs its tasks inline rather than waiting.
 */
public final class Parallel {

    /** System property with the default thread count (else the number of available processors). */
    public static final String PROPERTY = "descent.threads";

    /** How long an idle worker spins before it parks. */
    private static final long SPIN_NANOS = 200_000;

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static volatile Job current;
    /** Each thread's {@link #whileWaiting} work: one thread's registration can neither run on nor withdraw another's. */
    private static final ThreadLocal<Runnable> IDLE = new ThreadLocal<>();
    private static Thread[] workers = new Thread[0];
    private static int threads = defaultThreads();

    private Parallel() {
    }

    private static int defaultThreads() {
        String p = System.getProperty(PROPERTY);
        if (p != null && !p.isBlank()) {
            try {
                int n = Integer.parseInt(p.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the machine's count
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** The number of threads kernels may use (the caller included). */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads kernels may use, the caller included.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + n);
        }
        LOCK.lock();
        try {
            threads = n;
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Where part {@code part} of [0, total) starts when it is cut into {@code parts} parts at multiples
     * of {@code align} (the last part ending at total): every split of work across the threads uses
     * this rule (a product's columns or rows, an optimizer step's elements, the step's gradient
     * reduction), so that work on the same elements lands in the same part, on the same core.
     */
    public static int cut(int total, int part, int parts, int align) {
        if (part >= parts) {
            return total;
        }
        int units = Math.ceilDiv(total, align);
        return Math.min(total, (int) ((long) units * part / parts) * align);
    }

    /**
     * Runs {@code body.accept(t)} for every t in [0, tasks), in parallel when more than one thread is
     * configured, and returns when all have finished. An exception thrown by a task is rethrown here.
     */
    public static void run(int tasks, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        // Nested calls (a kernel inside a data-parallel shard) run inline: the pool is busy with the outer call.
        if (tasks == 1 || threads == 1 || LOCK.isHeldByCurrentThread() || !LOCK.tryLock()) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        try {
            ensureWorkers(threads - 1);
            Job job = new Job(body, tasks);
            current = job;
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            job.work();
            Throwable idleError = workWhileWaiting(job);
            while (job.done.get() < tasks) {
                Thread.onSpinWait();
            }
            current = null;
            job.rethrow();
            Job.rethrow(idleError);
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Registers work for the calling thread to do once, at its next hand-off, in the time it would
     * otherwise spend waiting for the other threads to finish their tasks; {@code null} withdraws it.
     * It runs only if, when the caller's own tasks are done, some other thread is still busy (else it
     * stays registered for a later hand-off). Each thread has its own: it runs only on the thread that
     * registered it, and only that thread withdraws or replaces it. For work the
     * caller would otherwise do alone while the workers wait, independent of the hand-off's results:
     * the trainer draws its next batch this way during the first layer's forward, whose caller finishes
     * its share before the other thread (docs/PERFORMANCE.md, section 19). An exception it throws is
     * rethrown by {@link #run} once the hand-off is complete.
     */
    public static void whileWaiting(Runnable work) {
        if (work == null) {
            IDLE.remove();
        } else {
            IDLE.set(work);
        }
    }

    /** This thread's {@link #whileWaiting} work, if the job's other tasks are still running; what it threw, or null. */
    private static Throwable workWhileWaiting(Job job) {
        if (job.done.get() >= job.tasks) {
            return null;
        }
        Runnable work = IDLE.get();
        if (work == null) {
            return null;
        }
        IDLE.remove();
        try {
            work.run();
            return null;
        } catch (Throwable e) {
            return e;
        }
    }

    private static void ensureWorkers(int n) {
        if (workers.length >= n) {
            return;
        }
        Thread[] grown = java.util.Arrays.copyOf(workers, n);
        for (int i = workers.length; i < n; i++) {
            Thread t = new Thread(Parallel::workerLoop, "descent-kernel-" + (i + 1));
            t.setDaemon(true);
            grown[i] = t;
            t.start();
        }
        workers = grown;
    }

    private static void workerLoop() {
        Job last = null;
        while (true) {
            Job job = current;
            if (job == null || job == last) {
                long deadline = System.nanoTime() + SPIN_NANOS;
                while ((job = current) == null || job == last) {
                    if (System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.parkNanos(Parallel.class, 50_000_000L);
                        deadline = System.nanoTime() + SPIN_NANOS;
                    }
                }
            }
            last = job;
            job.work();
        }
    }

    private static final class Job {
        final IntConsumer body;
        final int tasks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable error;

        Job(IntConsumer body, int tasks) {
            this.body = body;
            this.tasks = tasks;
        }

        void work() {
            int t;
            while ((t = next.getAndIncrement()) < tasks) {
                try {
                    body.accept(t);
                } catch (Throwable e) {
                    error = e;
                } finally {
                    done.incrementAndGet();
                }
            }
        }

        void rethrow() {
            rethrow(error);
        }

        static void rethrow(Throwable e) {
            if (e instanceof RuntimeException re) {
                throw re;
            }
            if (e instanceof Error err) {
                throw err;
            }
            if (e != null) {
                throw new IllegalStateException(e);
            }
        }
    }
}

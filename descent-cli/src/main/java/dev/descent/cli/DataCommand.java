package dev.descent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.descent.data.FetchListener;
import dev.descent.data.MnistFamily;
import dev.descent.data.MnistFiles;
import dev.descent.data.MnistStore;
import dev.descent.data.RemoteDataset;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code descent data fetch|list}: the data set cache. */
@Command(name = "data", description = "Fetch data sets into the cache and list what is there.",
        subcommands = {DataCommand.Fetch.class, DataCommand.ListCached.class}, mixinStandardHelpOptions = true)
public final class DataCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static MnistFamily family(String name) {
        MnistFamily f = MnistFamily.byId(name);
        if (f == null) {
            throw new BadInputException("unknown data set '" + name + "' (known: mnist, fashion-mnist)");
        }
        return f;
    }

    static Path root(Path dataDir) {
        return DataSource.rootOf(dataDir);
    }

    /** Downloads and verifies a data set. */
    @Command(name = "fetch", description = "Download and verify a data set (mnist, fashion-mnist) into the cache.", mixinStandardHelpOptions = true)
    static final class Fetch implements Runnable {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "mnist or fashion-mnist")
        String name;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "the cache directory (default: $DESCENT_DATA, else $XDG_CACHE_HOME/descent, else ~/.cache/descent)")
        Path dataDir;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            MnistFamily fam = family(name);
            Path root = root(dataDir);
            try (Progress progress = new Progress(out)) {
                MnistFiles files = MnistStore.defaults(root).ensure(fam.remote(), progress);
                out.println(fam.id() + ": all 4 files verified against the published MD5 checksums");
                for (RemoteDataset.DataFile f : fam.remote().files()) {
                    out.println("  " + files.get(f.role()));
                }
            }
        }
    }

    /** Shows the cache. */
    @Command(name = "list", description = "Show which data sets are cached and whether their files verify.", mixinStandardHelpOptions = true)
    static final class ListCached implements Runnable {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "the cache directory (default: $DESCENT_DATA, else $XDG_CACHE_HOME/descent, else ~/.cache/descent)")
        Path dataDir;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            Path root = root(dataDir);
            out.println("cache: " + root);
            MnistStore store = MnistStore.defaults(root);
            for (MnistFamily fam : MnistFamily.values()) {
                List<MnistStore.FileStatus> st = store.status(fam.remote());
                long ok = st.stream().filter(MnistStore.FileStatus::verified).count();
                out.printf(Locale.ROOT, "%-14s %s%n", fam.id(), ok == 4 ? "ready (4/4 files verified)" : ok + "/4 files verified");
                for (MnistStore.FileStatus s : st) {
                    out.printf(Locale.ROOT, "  %-26s %-18s %s%n", s.file().name(), s.detail(), s.path() == null ? "" : s.path());
                }
            }
        }
    }

    /** Messages as lines; download progress as a bar on a terminal, a line per 10% otherwise. */
    static final class Progress implements FetchListener, AutoCloseable {
        private final PrintWriter out;
        private final boolean terminal = System.console() != null;
        private ProgressBar bar;
        private String current;
        private int lastDecile = -1;

        Progress(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void message(String text) {
            closeBar();
            out.println(text);
        }

        @Override
        public void progress(String file, long done, long total) {
            if (!file.equals(current)) {
                closeBar();
                current = file;
                lastDecile = -1;
                if (terminal && total > 0) {
                    bar = new ProgressBarBuilder().setTaskName(file).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                            .setUnit(" MB", 1 << 20).showSpeed().build();
                }
            }
            if (bar != null) {
                bar.stepTo(done);
            } else if (total > 0) {
                int decile = (int) (done * 10 / total);
                if (decile != lastDecile) {
                    lastDecile = decile;
                    out.printf(Locale.ROOT, "  %s: %d%% of %.1f MB%n", file, decile * 10, total / 1048576.0);
                }
            }
        }

        private void closeBar() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }

        @Override
        public void close() {
            closeBar();
        }
    }
}

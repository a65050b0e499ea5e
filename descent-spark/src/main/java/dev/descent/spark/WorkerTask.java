package dev.descent.spark;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.api.java.function.Function;

import dev.descent.cli.Main;

/**
 * One Spark task: runs {@code descent tune ARGS} (a worker of the shared study) in the executor, its
 * output lines prefixed with {@code [worker i]}, and returns {@code "i exit-code host"}.
 */
final class WorkerTask implements Function<Integer, String> {

    private static final long serialVersionUID = 1L;

    private final List<String> args;

    WorkerTask(List<String> args) {
        this.args = new ArrayList<>(args);
    }

    @Override
    public String call(Integer id) {
        String prefix = "[worker " + id + "] ";
        List<String> argv = new ArrayList<>();
        argv.add("tune");
        argv.addAll(args);
        int code;
        try (PrintWriter out = new PrintWriter(new Prefixed(System.out, prefix), true);
             PrintWriter err = new PrintWriter(new Prefixed(System.err, prefix), true)) {
            code = Main.run(out, err, argv.toArray(String[]::new));
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "?";
        }
        return id + " " + code + " " + host;
    }

    /** A writer that starts every line with a prefix, and writes whole lines at once so that workers' lines do not mix. */
    private static final class Prefixed extends Writer {
        private final java.io.PrintStream target;
        private final String prefix;
        private final StringBuilder line = new StringBuilder();

        Prefixed(java.io.PrintStream target, String prefix) {
            this.target = target;
            this.prefix = prefix;
        }

        @Override
        public void write(char[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                char c = buf[i];
                if (c == '\n') {
                    target.println(prefix + line);
                    line.setLength(0);
                } else if (c != '\r') {
                    line.append(c);
                }
            }
        }

        @Override
        public void flush() {
            target.flush();
        }

        @Override
        public void close() {
            if (!line.isEmpty()) {
                target.println(prefix + line);
                line.setLength(0);
            }
            target.flush();
        }
    }
}

package dev.descent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code descent shell} gives JShell: the library on the class path, the execution JVM started
 * with this JVM's own options (the launcher's {@code --add-modules jdk.incubator.vector}, the fixed
 * young generation, {@code DESCENT_JAVA_OPTS}), the Vector API module on the compiler's side too, and
 * the start-up script that imports the tutorial's names.
 *
 * @param classPath       the library's class path (the descent jar when run by the launcher)
 * @param remoteVmOptions options of the JVM the snippets run in
 * @param compilerOptions options of the compiler the snippets go through
 * @param startup         the start-up script's text
 */
record ShellSetup(String classPath, List<String> remoteVmOptions, List<String> compilerOptions, String startup) {

    /** The start-up script, a resource beside this class. */
    static final String STARTUP = "startup.jsh";

    /** The setup for this JVM: its class path and options. */
    static ShellSetup forThisJvm() {
        return new ShellSetup(System.getProperty("java.class.path"), executionOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()),
                // The Vector API is an incubator module: resolve it for snippets that import it, without a warning per snippet.
                List.of("--add-modules", "jdk.incubator.vector", "-Xlint:-incubating"), startupScript());
    }

    /**
     * This JVM's options that the execution JVM should share. Left out: an AOT cache (it was recorded
     * for the launcher's own main class and class path), a debugger or agent attached to this JVM,
     * and the launcher's own class path.
     */
    static List<String> executionOptions(List<String> jvmArguments) {
        List<String> out = new ArrayList<>();
        for (String a : jvmArguments) {
            boolean skip = a.startsWith("-XX:AOTCache") || a.startsWith("-XX:AOTMode") || a.startsWith("-XX:AOTConfiguration")
                    || a.startsWith("-Xlog:aot") || a.startsWith("-Xlog:cds") || a.startsWith("-XX:SharedArchiveFile")
                    || a.startsWith("-agentlib:") || a.startsWith("-agentpath:") || a.startsWith("-javaagent:") || a.startsWith("-Xrunjdwp")
                    || a.startsWith("-Djava.class.path=") || a.startsWith("-Dsun.java.command=");
            if (!skip) {
                out.add(a);
            }
        }
        if (out.stream().noneMatch(a -> a.startsWith("--add-modules") && a.contains("jdk.incubator.vector"))) {
            out.add("--add-modules=jdk.incubator.vector");
        }
        return List.copyOf(out);
    }

    static String startupScript() {
        try (InputStream in = ShellSetup.class.getResourceAsStream(STARTUP)) {
            if (in == null) {
                throw new IllegalStateException("the shell's start-up script " + STARTUP + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

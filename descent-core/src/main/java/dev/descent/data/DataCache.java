package dev.descent.data;

import java.nio.file.Path;
import java.util.Map;

/** Where downloaded data sets live: {@code $DESCENT_DATA}, else {@code $XDG_CACHE_HOME/descent}, else {@code ~/.cache/descent}. */
public final class DataCache {

    /** The environment variable naming the cache directory. */
    public static final String ENV = "DESCENT_DATA";

    private DataCache() {
    }

    /** The cache root for this process's environment. */
    public static Path root() {
        return root(System.getenv(), System.getProperty("user.home"));
    }

    /** The cache root for the given environment and home directory. */
    public static Path root(Map<String, String> env, String home) {
        String d = env.get(ENV);
        if (d != null && !d.isBlank()) {
            return Path.of(d);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "descent");
        }
        return Path.of(home, ".cache", "descent");
    }
}

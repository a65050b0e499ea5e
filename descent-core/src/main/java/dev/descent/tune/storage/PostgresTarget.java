package dev.descent.tune.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.descent.io.InputException;

/**
 * Where a PostgreSQL database is, as {@code postgresql://HOST[:PORT]/DB?user=NAME[&OPTION=VALUE…]}
 * (libpq's URI form): the options are handed to the JDBC driver ({@code sslmode=require},
 * {@code connectTimeout=5}, {@code currentSchema=tuning}, …). A password never appears here: it shows
 * in process listings and shell histories, so it comes from {@code PGPASSWORD} or {@code ~/.pgpass}
 * (see {@link PostgresStorage#open}).
 *
 * @param port    5432 unless the URL says otherwise
 * @param user    the role to log in as ({@code ?user=}, or {@code USER@HOST}; the operating system's
 *                user name when neither is given, as libpq does)
 * @param options the other query parameters, in order
 */
public record PostgresTarget(String host, int port, String database, String user, Map<String, String> options) {

    /** PostgreSQL's default port. */
    public static final int DEFAULT_PORT = 5432;

    /** Keeps the options in their order, unmodifiable. */
    public PostgresTarget {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** Whether {@code text} is meant as a PostgreSQL URL (rather than a study directory). */
    public static boolean isUrl(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        return t.startsWith("postgresql://") || t.startsWith("postgres://");
    }

    /**
     * Parses a {@code postgresql://} URL.
     *
     * @throws InputException saying what is wrong: not such a URL, no database, a bad port,
     *                                  or a password in it
     */
    public static PostgresTarget parse(String text) {
        if (!isUrl(text)) {
            throw new InputException("'" + text + "' is not a postgresql://HOST[:PORT]/DB?user=NAME URL");
        }
        URI u;
        try {
            u = new URI(text);
        } catch (URISyntaxException e) {
            throw new InputException("'" + text + "' is not a URL: " + e.getReason());
        }
        String userInfo = u.getRawUserInfo();
        if (userInfo != null && userInfo.contains(":")) {
            throw passwordRefused();
        }
        String host = u.getHost();
        if (host == null || host.isEmpty()) {
            throw new InputException(redacted(text) + " names no host (postgresql://HOST[:PORT]/DB?user=NAME)");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = u.getPort() < 0 ? DEFAULT_PORT : u.getPort();
        if (port < 1 || port > 65535) {
            throw new InputException(text + ": port " + port + " is not between 1 and 65535");
        }
        String path = u.getPath() == null ? "" : u.getPath();
        String db = path.startsWith("/") ? path.substring(1) : path;
        if (db.isEmpty() || db.contains("/")) {
            throw new InputException(text + " names no database (postgresql://HOST[:PORT]/DB?user=NAME)");
        }
        String user = userInfo == null ? null : decode(userInfo);
        Map<String, String> options = new LinkedHashMap<>();
        String query = u.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                switch (key.toLowerCase(Locale.ROOT)) {
                    case "password", "sslpassword" -> throw passwordRefused();
                    case "user" -> user = value;
                    default -> options.put(key, value);
                }
            }
        }
        if (user == null || user.isEmpty()) {
            user = System.getProperty("user.name");
        }
        return new PostgresTarget(host, port, db, user, options);
    }

    private static InputException passwordRefused() {
        return new InputException("a password does not belong in the storage URL (process listings and shell histories show it): "
                + "set PGPASSWORD or put it in ~/.pgpass");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** {@code text} with anything after "//" up to "@" left out, for a message about a URL that may hold a password. */
    private static String redacted(String text) {
        return text.replaceFirst("//[^/@]*@", "//…@");
    }

    /** The JDBC URL (without user or password, which go in the connection properties). */
    String jdbcUrl() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The URL, as the user would write it: for messages. */
    @Override
    public String toString() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        StringBuilder b = new StringBuilder("postgresql://").append(h).append(':').append(port).append('/').append(database).append("?user=").append(user);
        options.forEach((k, v) -> b.append('&').append(k).append('=').append(v));
        return b.toString();
    }
}

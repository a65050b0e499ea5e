package dev.descent.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;

import dev.descent.io.AtomicFiles;

/**
 * Downloads one file over HTTP(S) into a temporary file beside its target, computing its MD5 on the
 * way. Connection and read time-outs bound every wait; transient failures (a 5xx answer, a reset
 * connection, a time-out) are retried with back-off; a host that does not resolve is not. Nothing
 * is left behind on failure.
 */
public final class HttpFetcher {

    /** Time-outs and retries. */
    public record Policy(Duration connectTimeout, Duration readTimeout, int attempts, Duration backoff) {
        /** 15 s to connect, 60 s of silence while reading, 3 attempts, 0.5 s back-off doubling. */
        public static Policy defaults() {
            return new Policy(Duration.ofSeconds(15), Duration.ofSeconds(60), 3, Duration.ofMillis(500));
        }
    }

    /** A download that arrived completely: the temporary file and its MD5. */
    public record Download(Path file, String md5) {
    }

    /** A download that failed, with the reason for the user. */
    public static final class FetchException extends IOException {
        /** Whether the host could not be reached at all. */
        private final boolean unreachable;

        FetchException(String message, Throwable cause, boolean unreachable) {
            super(message, cause);
            this.unreachable = unreachable;
        }

        /** Whether the host could not be reached at all (so its other files need not be tried). */
        public boolean unreachable() {
            return unreachable;
        }
    }

    private final Policy policy;

    /** A fetcher with the given policy. */
    public HttpFetcher(Policy policy) {
        this.policy = policy;
    }

    /**
     * Fetches {@code url} into a new temporary file in {@code dir}; the caller verifies and renames it.
     *
     * @throws FetchException after the last attempt failed; no temporary file remains
     */
    public Download fetch(URI url, Path dir, String label, FetchListener listener) throws FetchException {
        IOException last = null;
        Duration wait = policy.backoff();
        for (int attempt = 1; attempt <= policy.attempts(); attempt++) {
            try {
                return once(url, dir, label, listener);
            } catch (UnknownHostException e) {
                throw new FetchException(url.getHost() + " does not resolve", e, true);
            } catch (PermanentHttpError e) {
                throw new FetchException(e.getMessage(), e, false);
            } catch (IOException e) {
                last = e;
                if (attempt < policy.attempts()) {
                    listener.message("  " + url + ": " + describe(e) + "; retrying in " + wait.toMillis() + " ms");
                    sleep(wait);
                    wait = wait.multipliedBy(2);
                }
            }
        }
        throw new FetchException(url + ": " + describe(last) + " after " + policy.attempts() + " attempts", last, last instanceof java.net.ConnectException);
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class PermanentHttpError extends IOException {
        PermanentHttpError(String message) {
            super(message);
        }
    }

    private Download once(URI url, Path dir, String label, FetchListener listener) throws IOException {
        Files.createDirectories(dir);
        HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
        c.setConnectTimeout((int) policy.connectTimeout().toMillis());
        c.setReadTimeout((int) policy.readTimeout().toMillis());
        c.setInstanceFollowRedirects(true);
        c.setRequestProperty("User-Agent", "descent");
        Path tmp = null;
        try {
            int status = c.getResponseCode();
            if (status >= 500) {
                throw new IOException("HTTP " + status);
            }
            if (status != 200) {
                throw new PermanentHttpError(url + ": HTTP " + status);
            }
            long total = c.getContentLengthLong();
            tmp = Files.createTempFile(dir, "." + label + ".", ".part");
            MessageDigest md = Checksums.md5();
            long done = 0;
            byte[] buf = new byte[1 << 16];
            try (InputStream in = c.getInputStream(); OutputStream out = Files.newOutputStream(tmp)) {
                int r;
                while ((r = in.read(buf)) > 0) {
                    out.write(buf, 0, r);
                    md.update(buf, 0, r);
                    done += r;
                    listener.progress(label, done, total);
                }
            }
            if (total >= 0 && done != total) {
                throw new IOException("connection closed after " + done + " of " + total + " bytes");
            }
            Download d = new Download(tmp, Checksums.hex(md));
            tmp = null;
            return d;
        } finally {
            AtomicFiles.deleteQuietly(tmp);
            c.disconnect();
        }
    }
}

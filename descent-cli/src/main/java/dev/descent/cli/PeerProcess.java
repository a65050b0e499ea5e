package dev.descent.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A benchmark peer in a process of its own (PyTorch's Python script, DJL's JVM), driven one epoch
 * at a time over a line protocol: the peer prints a JSON {@code ready} line, then answers each
 * command ({@code batch B}, {@code epoch}, {@code quit}) with one JSON line. Lines that are not JSON
 * (library warnings) are kept, the last few, to explain a failure.
 */
final class PeerProcess implements BenchSide {

    private final String name;
    private final Process process;
    private final BufferedReader in;
    private final Writer cmd;
    private final JsonNode ready;
    private final Deque<String> noise = new ArrayDeque<>();

    private PeerProcess(String name, Process process) throws IOException {
        this.name = name;
        this.process = process;
        this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.cmd = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.ready = reply("start");
    }

    /**
     * Starts the peer and waits for its ready line.
     *
     * @throws IOException naming the peer and its last output lines when it does not start
     */
    static PeerProcess start(String name, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            return new PeerProcess(name, p);
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** The peer's ready line (its versions). */
    JsonNode ready() {
        return ready;
    }

    @Override
    public void batch(int batchSize) throws IOException {
        send("batch " + batchSize);
    }

    @Override
    public Epoch epoch() throws IOException {
        JsonNode r = send("epoch");
        return new Epoch(r.get("seconds").asDouble(), r.get("loss").asDouble());
    }

    private JsonNode send(String command) throws IOException {
        try {
            cmd.write(command + "\n");
            cmd.flush();
        } catch (IOException e) {
            throw failure(command);
        }
        return reply(command);
    }

    private JsonNode reply(String command) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("{")) {
                return TrainingSession.JSON.readTree(line);
            }
            noise.addLast(line);
            if (noise.size() > 5) {
                noise.removeFirst();
            }
        }
        throw failure(command);
    }

    private IOException failure(String command) {
        return new IOException(name + " failed at '" + command + "': " + String.join(" | ", noise));
    }

    @Override
    public void close() {
        try {
            cmd.write("quit\n");
            cmd.flush();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

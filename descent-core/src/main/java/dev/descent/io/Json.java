package dev.descent.io;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * JSON that comes from outside (run files, checkpoint headers, search spaces), read strictly and
 * bounded: a size limit checked before reading, nesting at most {@value #MAX_DEPTH} deep, a repeated
 * key refused (a file with two values for one key is corrupt, and taking either would hide it).
 * Every defect is a {@link FormatException} naming the file.
 */
public final class Json {

    /** The deepest nesting any Descent file uses is a handful; 64 leaves room and bounds recursion. */
    public static final int MAX_DEPTH = 64;
    /** Run files and search spaces are kilobytes; a trainer state with a long history a few megabytes. */
    public static final long MAX_FILE_BYTES = 64L << 20;

    /** The strict reader; use it for every JSON document that was not made by this process. */
    public static final ObjectMapper STRICT = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build()).build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /** Reads a JSON file of at most {@link #MAX_FILE_BYTES}. */
    public static JsonNode read(Path file) {
        return parse(InputFiles.readAll(file, MAX_FILE_BYTES), file.toString());
    }

    /** Parses a JSON document; {@code name} is used in error messages. */
    public static JsonNode parse(byte[] bytes, String name) {
        try {
            JsonNode n = STRICT.readTree(bytes);
            if (n == null || n.isMissingNode()) {
                throw new FormatException(name + ": empty, expected a JSON document");
            }
            return n;
        } catch (IOException e) {
            throw new FormatException(name + ": not valid JSON (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    /** Parses a JSON document held in a string. */
    public static JsonNode parse(String text, String name) {
        return parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), name);
    }

    /** The first line of an exception message (parsers quote the whole input in later lines). */
    public static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}

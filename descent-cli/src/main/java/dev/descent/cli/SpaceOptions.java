package dev.descent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.descent.io.InputFiles;
import dev.descent.io.Json;

import dev.descent.tune.SearchSpace;
import dev.descent.tune.SearchSpaceJson;
import picocli.CommandLine.Option;

/**
 * The search space of {@code tune}: {@code --param} specs on the command line and/or a JSON or YAML
 * file in the format of {@link SearchSpaceJson}. A spec is {@code NAME=KIND:ARGS[@PARENT=V1|V2]}:
 *
 * <pre>
 * lr=log:1e-4..0.1            log-uniform float        momentum=float:0.5..0.99@optimizer=sgd|nesterov
 * batch-size=int:32..256      uniform integer          batch-size=logint:16..1024
 * optimizer=choice:adam|sgd   one of the choices       hidden=choice:200,100,50|512,256|   ("" = linear)
 * </pre>
 */
final class SpaceOptions {

    @Option(names = "--param", paramLabel = "NAME=KIND:ARGS",
            description = "a parameter to search: lr=log:1e-4..0.1, batch-size=int:32..256, optimizer=choice:adam|sgd, "
                    + "hidden=choice:200,100,50|512,256, momentum=float:0.5..0.99@optimizer=sgd (repeatable)")
    List<String> params = new ArrayList<>();

    @Option(names = "--space", paramLabel = "FILE", description = "a search space as JSON or YAML (see docs/TUNING.md)")
    Path file;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The command named in the message for a missing space. */
    String command = "tune";

    /** The space as JSON: the file's parameters, then the command line's. */
    ObjectNode json() {
        ObjectNode root = JSON.createObjectNode();
        if (file != null) {
            JsonNode f = readFile(file);
            if (!f.isObject()) {
                throw new BadInputException("--space " + file + ": expected a mapping from parameter names to their ranges");
            }
            root.setAll((ObjectNode) f);
        }
        for (String spec : params) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw new BadInputException("--param '" + spec + "': expected NAME=KIND:ARGS, e.g. lr=log:1e-4..0.1");
            }
            String name = spec.substring(0, eq).trim();
            if (root.has(name)) {
                throw new BadInputException("--param " + name + ": the parameter is given twice");
            }
            root.set(name, parseSpec(name, spec.substring(eq + 1)));
        }
        if (root.isEmpty()) {
            throw new BadInputException(command + " needs a search space: --param NAME=KIND:ARGS (repeatable) or --space FILE");
        }
        return root;
    }

    /** The checked space. */
    SearchSpace space() {
        try {
            return SearchSpaceJson.read(json());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /** Search spaces are a few hundred bytes; a megabyte is far more than any needs. */
    static final long MAX_FILE_BYTES = 1 << 20;

    /** YAML with Jackson's JSON limits: nesting, and SnakeYAML's own alias and size limits left at their safe defaults. */
    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Json.MAX_DEPTH).build()).build()).build();

    private static JsonNode readFile(Path f) {
        if (!Files.exists(f)) {
            throw new BadInputException("--space " + f + ": no such file");
        }
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return parse(InputFiles.readAll(f, MAX_FILE_BYTES), name.endsWith(".yaml") || name.endsWith(".yml"), "--space " + f);
    }

    /** A search space file's bytes as JSON (YAML when {@code yaml}); {@code where} starts every error. */
    static JsonNode parse(byte[] bytes, boolean yaml, String where) {
        if (!yaml) {
            return Json.parse(bytes, where);
        }
        try {
            JsonNode n = YAML.readTree(bytes);
            return n == null || n.isMissingNode() ? JSON.createObjectNode() : n;
        } catch (IOException e) {
            throw new BadInputException(where + ": not valid YAML (" + Json.firstLine(e.getMessage()) + ")", e);
        }
    }

    private static ObjectNode parseSpec(String name, String text) {
        String where = "--param " + name + ": ";
        String body = text;
        ObjectNode when = null;
        int at = text.lastIndexOf('@');
        if (at >= 0) {
            body = text.substring(0, at);
            String cond = text.substring(at + 1);
            int eq = cond.indexOf('=');
            if (eq <= 0) {
                throw new BadInputException(where + "a condition is written @PARENT=V1|V2, got '@" + cond + "'");
            }
            when = JSON.createObjectNode();
            ArrayNode vals = when.putArray(cond.substring(0, eq).trim());
            for (String v : cond.substring(eq + 1).split("\\|", -1)) {
                vals.add(v.trim());
            }
        }
        int colon = body.indexOf(':');
        if (colon <= 0) {
            throw new BadInputException(where + "expected KIND:ARGS with KIND float, log, int, logint or choice, got '" + body + "'");
        }
        String kind = body.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String args = body.substring(colon + 1);
        ObjectNode o = JSON.createObjectNode();
        switch (kind) {
            case "float", "log", "uniform", "loguniform" -> range(where, o.put("type", "float"), args, kind.startsWith("log"), false);
            case "int", "logint" -> range(where, o.put("type", "int"), args, kind.equals("logint"), true);
            case "choice", "categorical" -> {
                ArrayNode a = o.put("type", "categorical").putArray("choices");
                if (!args.isEmpty()) {
                    for (String c : args.split("\\|", -1)) {
                        a.add(c.trim());
                    }
                }
            }
            default -> throw new BadInputException(where + "unknown kind '" + kind + "' (known: float, log, int, logint, choice)");
        }
        if (when != null) {
            o.set("when", when);
        }
        return o;
    }

    private static void range(String where, ObjectNode o, String args, boolean log, boolean whole) {
        String[] lh = args.split("\\.\\.", -1);
        if (lh.length != 2) {
            throw new BadInputException(where + "a range is written LOW..HIGH, got '" + args + "'");
        }
        try {
            if (whole) {
                o.put("low", Long.parseLong(lh[0].trim())).put("high", Long.parseLong(lh[1].trim()));
            } else {
                o.put("low", Double.parseDouble(lh[0].trim())).put("high", Double.parseDouble(lh[1].trim()));
            }
        } catch (NumberFormatException e) {
            throw new BadInputException(where + "'" + args + "' is not a range of " + (whole ? "whole numbers" : "numbers"));
        }
        if (log) {
            o.put("log", true);
        }
    }
}

package dev.descent.cli;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.descent.tune.GridSampler;
import dev.descent.tune.NsgaSampler;
import dev.descent.tune.Pruner;
import dev.descent.tune.RandomSampler;
import dev.descent.tune.Sampler;
import dev.descent.tune.TpeSampler;
import picocli.CommandLine.Option;

/**
 * How a study searches: its sampler and pruner and their settings ({@code tune} and
 * {@code study create}). A study driven by {@code descent study ask} keeps them in its journal's
 * attributes, since every ask is a new process.
 */
final class SearchOptions {

    @Option(names = "--sampler", defaultValue = "tpe", paramLabel = "NAME", description = "tpe (multivariate), random, grid or nsga2 (default: ${DEFAULT-VALUE})")
    String sampler = "tpe";

    @Option(names = "--population", defaultValue = "50", paramLabel = "N", description = "nsga2: trials per generation (default: ${DEFAULT-VALUE})")
    int population = 50;

    @Option(names = "--grid-points", defaultValue = "4", paramLabel = "N", description = "grid: points per numeric range (default: ${DEFAULT-VALUE})")
    int gridPoints = 4;

    @Option(names = "--pruner", defaultValue = "median", paramLabel = "NAME", description = "median, asha or none (default: ${DEFAULT-VALUE})")
    String pruner = "median";

    @Option(names = "--reduction-factor", defaultValue = "3", paramLabel = "η", description = "asha: keep the best 1/η at each rung (default: ${DEFAULT-VALUE})")
    int reductionFactor = 3;

    /** The sampler, seeded with {@code seed}. */
    Sampler sampler(long seed) {
        return switch (sampler.toLowerCase(Locale.ROOT)) {
            case "tpe" -> TpeSampler.multivariate(seed);
            case "random" -> new RandomSampler(seed);
            case "nsga2" -> {
                if (population < 2) {
                    throw new BadInputException("--population must be >= 2, got " + population);
                }
                yield new NsgaSampler(seed, population, 0.9, 0);
            }
            case "grid" -> {
                if (gridPoints < 1) {
                    throw new BadInputException("--grid-points must be >= 1, got " + gridPoints);
                }
                yield new GridSampler(seed, gridPoints);
            }
            default -> throw new BadInputException("--sampler: unknown '" + sampler + "' (known: tpe, random, grid, nsga2)");
        };
    }

    Pruner pruner() {
        return switch (pruner.toLowerCase(Locale.ROOT)) {
            case "median" -> Pruner.Median.withDefaults();
            case "asha" -> {
                if (reductionFactor < 2) {
                    throw new BadInputException("--reduction-factor must be >= 2, got " + reductionFactor);
                }
                yield new Pruner.SuccessiveHalving(1, reductionFactor, 0);
            }
            case "none" -> new Pruner.None();
            default -> throw new BadInputException("--pruner: unknown '" + pruner + "' (known: median, asha, none)");
        };
    }

    /** These settings and the seed, as a study's attributes keep them. */
    void write(ObjectNode attrs, long seed) {
        attrs.put("sampler", sampler).put("population", population).put("grid_points", gridPoints).put("pruner", pruner)
                .put("reduction_factor", reductionFactor).put("seed", seed);
    }

    /** The settings kept in {@code attrs} (defaults where one is missing). */
    static SearchOptions read(JsonNode attrs) {
        SearchOptions o = new SearchOptions();
        o.sampler = attrs.path("sampler").asText(o.sampler);
        o.population = attrs.path("population").asInt(o.population);
        o.gridPoints = attrs.path("grid_points").asInt(o.gridPoints);
        o.pruner = attrs.path("pruner").asText(o.pruner);
        o.reductionFactor = attrs.path("reduction_factor").asInt(o.reductionFactor);
        return o;
    }
}

package dev.descent.tune;

import java.util.List;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a study is, fixed when it is created: its declared search space (none for a study whose
 * trials suggest their parameters as they run), one direction per objective with the objective's
 * name, which objective the intermediate values of {@link Trial#report} measure (the one pruning
 * decides on), and attributes the creator keeps (a command line to rebuild the objective).
 *
 * @param space          the declared space, or null
 * @param pruneObjective the index of the objective that intermediate values measure
 */
public record StudyHeader(SearchSpace space, List<Direction> directions, List<String> objectives, int pruneObjective, ObjectNode attrs) {

    /**
     * @throws IllegalArgumentException if there is no objective, names and directions differ in number,
     *                                  a name repeats, or the pruning objective is not one of them
     */
    public StudyHeader {
        directions = List.copyOf(directions);
        objectives = List.copyOf(objectives);
        if (directions.isEmpty()) {
            throw new IllegalArgumentException("a study needs at least one objective");
        }
        if (objectives.size() != directions.size()) {
            throw new IllegalArgumentException(objectives.size() + " objective names for " + directions.size() + " directions");
        }
        if (objectives.stream().distinct().count() != objectives.size()) {
            throw new IllegalArgumentException("an objective name repeats in " + objectives);
        }
        if (pruneObjective < 0 || pruneObjective >= directions.size()) {
            throw new IllegalArgumentException("the pruning objective " + pruneObjective + " is not one of the " + directions.size() + " objectives");
        }
        attrs = attrs == null ? JsonNodeFactory.instance.objectNode() : attrs.deepCopy();
    }

    /** One objective called {@code value}, no attributes. */
    public static StudyHeader of(SearchSpace space, Direction direction) {
        return new StudyHeader(space, List.of(direction), List.of("value"), 0, null);
    }

    /** Whether the study has more than one objective. */
    public boolean multiObjective() {
        return directions.size() > 1;
    }

    /** The direction of the first objective (the only one in a single-objective study). */
    public Direction direction() {
        return directions.get(0);
    }

    /** A copy of the study's user attributes, which the caller may change freely. */
    @Override
    public ObjectNode attrs() {
        return attrs.deepCopy();
    }
}

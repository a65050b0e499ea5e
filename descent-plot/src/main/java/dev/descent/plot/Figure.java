package dev.descent.plot;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A figure: panels side by side, in rows of {@code columns}, saved as PNG or SVG (640 × 440 pixels
 * a panel). Nothing half-written is left under the file's name.
 *
 * <pre>{@code
 * Charts.curves(trainer.history()).save("curves.png");
 * new Figure(List.of(new Charts.Panel("Loss", "step", "loss", List.of(series))), 1).save("loss.svg");
 * }</pre>
 *
 * @param panels  the panels, left to right and then top to bottom
 * @param columns panels per row
 */
public record Figure(List<Charts.Panel> panels, int columns) {

    /** Checks that there is something to draw. */
    public Figure {
        panels = List.copyOf(panels);
        if (panels.isEmpty() || columns < 1) {
            throw new IllegalArgumentException("a figure needs at least one panel and one column, got " + panels.size() + " and " + columns);
        }
    }

    /** The panels in one row. */
    public Figure(List<Charts.Panel> panels) {
        this(panels, Math.max(1, panels.size()));
    }

    /**
     * Writes the figure to {@code file}, as PNG or SVG by its extension.
     *
     * @return the file
     * @throws IllegalArgumentException when the name ends neither in .png nor in .svg
     */
    public Path save(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) {
            Charts.writePng(file, Charts.Layout.of(panels, columns));
        } else if (name.endsWith(".svg")) {
            Charts.writeSvg(file, Charts.Layout.of(panels, columns));
        } else {
            throw new IllegalArgumentException("save: '" + file + "' ends neither in .png nor in .svg");
        }
        return file;
    }

    /** {@link #save(Path)} for a file name. */
    public Path save(String file) {
        return save(Path.of(file));
    }

    /** Writes {@code base.png} and {@code base.svg}. */
    public void saveAll(Path base) {
        Charts.Layout layout = Charts.Layout.of(panels, columns);
        Charts.writePng(base.resolveSibling(base.getFileName() + ".png"), layout);
        Charts.writeSvg(base.resolveSibling(base.getFileName() + ".svg"), layout);
    }
}

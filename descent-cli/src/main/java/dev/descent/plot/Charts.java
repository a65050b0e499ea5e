package dev.descent.plot;

import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.util.List;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import dev.descent.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line charts as PNG and SVG (XChart; SVG through VectorGraphics2D), several panels side by side in
 * one figure, written atomically.
 */
public final class Charts {

    /** One line: a name and its points. */
    public record Series(String name, double[] x, double[] y, boolean markers) {
    }

    /** One panel: a title, axis labels, its lines, and which axes are logarithmic. */
    public record Panel(String title, String xLabel, String yLabel, List<Series> series, boolean logX, boolean logY) {
        /** A panel with linear axes. */
        public Panel(String title, String xLabel, String yLabel, List<Series> series) {
            this(title, xLabel, yLabel, series, false, false);
        }
    }

    private static final int W = 640, H = 440;

    private Charts() {
    }

    static {
        System.setProperty("java.awt.headless", "true");
        // ImageIO's disk cache registers a shutdown hook, which fails when charts are written while the
        // JVM is stopping (after Ctrl-C); an in-memory cache needs none and is faster.
        javax.imageio.ImageIO.setUseCache(false);
    }

    /** Writes {@code base.png} and {@code base.svg} with the panels in a row. */
    public static void write(Path base, List<Panel> panels) {
        List<XYChart> charts = panels.stream().map(Charts::chart).toList();
        Path png = base.resolveSibling(base.getFileName() + ".png");
        Path svg = base.resolveSibling(base.getFileName() + ".svg");
        AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(charts, 1, charts.size(), out, BitmapEncoder.BitmapFormat.PNG));
        AtomicFiles.write(svg, out -> {
            VectorGraphics2D g = new VectorGraphics2D();
            for (int i = 0; i < charts.size(); i++) {
                charts.get(i).paint((VectorGraphics2D) g.create(i * W, 0, W, H), W, H);
            }
            new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, (double) W * charts.size(), H)).writeTo(out);
        });
    }

    private static XYChart chart(Panel p) {
        XYChart c = new XYChartBuilder().width(W).height(H).title(p.title()).xAxisTitle(p.xLabel()).yAxisTitle(p.yLabel()).build();
        org.knowm.xchart.style.XYStyler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        if (p.logX()) {
            s.setXAxisLogarithmic(true);
        } else {
            // Whole iterations without a thousands separator, so that labels stay short and apart.
            s.setxAxisTickLabelsFormattingFunction(x -> Long.toString(Math.round(x)));
            s.setXAxisTickMarkSpacingHint(100);
        }
        s.setYAxisLogarithmic(p.logY());
        for (Series line : p.series()) {
            if (line.x().length == 0) {
                continue;
            }
            XYSeries xs = c.addSeries(line.name(), line.x(), line.y());
            xs.setMarker(line.markers() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        return c;
    }

    /** 0-based indices as x values 1..n. */
    public static double[] steps(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
        }
        return x;
    }

    /** Floats as doubles. */
    public static double[] doubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** Ints as doubles. */
    public static double[] doubles(int[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** A trailing moving average over {@code window} points (noisy per-step curves read better). */
    public static double[] smooth(float[] v, int window) {
        double[] out = new double[v.length];
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            sum += v[i];
            if (i >= window) {
                sum -= v[i - window];
            }
            out[i] = sum / Math.min(i + 1, window);
        }
        return out;
    }

}

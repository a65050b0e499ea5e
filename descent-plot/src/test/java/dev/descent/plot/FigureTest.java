package dev.descent.plot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.descent.train.History;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Figures from the library: the tutorial's curves of a History, saved as PNG or SVG by extension. */
class FigureTest {

    static History history() {
        History h = new History();
        for (int step = 1; step <= 120; step++) {
            h.addTrain(step <= 60 ? 1 : 2, (float) (2.3 / Math.sqrt(step)), (float) Math.min(0.99, 0.1 + step / 130.0));
            if (step % 40 == 0) {
                h.addValidation(step, (float) (2.4 / Math.sqrt(step)), (float) (step / 140.0));
            }
        }
        return h;
    }

    @Test
    void curvesOfAHistorySaveAsPngAndSvg(@TempDir Path tmp) throws Exception {
        Figure f = Charts.curves(history());
        assertThat(f.panels()).extracting(Charts.Panel::yLabel).containsExactly("NLL loss", "accuracy");
        Path png = f.save(tmp.resolve("curves.png"));
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(2 * 640);
        assertThat(img.getHeight()).isEqualTo(440);
        Path svg = f.save(tmp.resolve("curves.svg").toString());
        assertThat(Files.readString(svg)).startsWith("<?xml").contains("<svg").contains("viewBox=\"0 0 1280 440\"");
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("curves.png", "curves.svg");
        }
    }

    @Test
    void anUnknownExtensionOrAnEmptyFigureIsRefused(@TempDir Path tmp) {
        assertThatThrownBy(() -> Charts.curves(history()).save(tmp.resolve("curves.jpg")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neither in .png nor in .svg");
        assertThatThrownBy(() -> new Figure(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(tmp.resolve("curves.jpg")).doesNotExist();
    }
}

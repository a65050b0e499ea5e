package dev.descent.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromium-driver, which .ci/run
 * installs): the runs table, a run page's charts, live updates, the playground. Screenshots go to
 * target/screenshots.
 */
class DashboardBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path tmp;
    static Path root;
    static Dashboard server;
    static ChromeDriver browser;

    @BeforeAll
    static void start() throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        // CI installs them (.ci/run): there a missing browser is a failure, not a silent skip.
        if ("true".equals(System.getenv("CI"))) {
            assertThat(present).as("CI=true: Debian chromium and chromium-driver must be installed (.ci/run installs them)").isTrue();
        }
        Assumptions.assumeTrue(present, "Debian chromium and chromium-driver are not installed");
        root = Files.createDirectories(tmp.resolve("runs"));
        Runs.addSharpness(Runs.write(root, "20261125-101500-adam", "adam", 1e-3, 400, true), 50, 1e-3);
        Runs.write(root, "20261125-102000-sgd", "sgd", 0.01, 400, true);
        Runs.write(root, "20261125-103000-rmsprop", "rmsprop", 1e-3, 40, false);
        Path broken = Runs.write(root, "20261125-090000-broken", "sgd", 0.1, 10, true);
        Files.writeString(broken.resolve("config.json"), "{\"optimizer\": oops");
        server = Dashboard.start(root, "127.0.0.1", 0);
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build(), options());
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1000));
    }

    static ChromeOptions options() {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        // As the machine notes say: no background networking on this closed network.
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        return o;
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    private static void open(String path) {
        browser.get("http://127.0.0.1:" + server.port() + path);
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private static void screenshot(String name) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Files.write(dir.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private static void noConsoleErrors() {
        List<LogEntry> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream().filter(e -> e.getLevel() == Level.SEVERE).toList();
        assertThat(severe).as("console errors").isEmpty();
    }

    private static WebDriverWait waiting(double seconds) {
        return new WebDriverWait(browser, Duration.ofMillis((long) (seconds * 1000)));
    }

    @Test
    void theRunsTableListsTheRunsSortsFiltersAndOverlays() throws IOException {
        open("/");
        waiting(5).until(d -> d.findElements(By.cssSelector("#runs tbody tr")).size() == 4);
        assertThat(browser.findElement(By.id("runs")).getText()).contains("20261125-101500-adam").contains("96.34%").contains("running")
                .contains("unreadable: 20261125-090000-broken/config.json: not valid JSON");
        browser.findElement(By.cssSelector("th[data-key=optimizer]")).click();
        assertThat(browser.findElements(By.cssSelector("#runs tbody tr")).get(0).getAttribute("data-id")).isEqualTo("20261125-101500-adam");
        browser.findElement(By.id("filter")).sendKeys("sgd");
        waiting(2).until(d -> d.findElements(By.cssSelector("#runs tbody tr")).size() == 1);
        browser.findElement(By.id("filter")).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        waiting(2).until(d -> d.findElements(By.cssSelector("#runs tbody tr")).size() == 4);
        List<WebElement> boxes = browser.findElements(By.cssSelector("#runs tbody input[type=checkbox]"));
        boxes.get(0).click();
        boxes.get(1).click();
        browser.findElement(By.id("overlay")).click();
        waiting(5).until(d -> Long.valueOf(2).equals(js("return window.descentCharts ? window.descentCharts.accuracy.data.datasets.length : 0")));
        screenshot("runs");
        noConsoleErrors();
    }

    @Test
    void aRunPageDrawsItsCurvesAndReport() throws IOException {
        open("/run.html?id=20261125-101500-adam");
        waiting(5).until(d -> Long.valueOf(400).equals(js("return window.descentCharts.loss.data.datasets[0].data.length")));
        assertThat((Long) js("return window.descentCharts.loss.data.datasets[1].data.length")).isEqualTo(40);
        waiting(5).until(d -> d.findElements(By.cssSelector("#confusion td")).size() == 100);
        assertThat(browser.findElements(By.cssSelector("canvas"))).hasSizeGreaterThanOrEqualTo(3);
        // This run tracked its sharpness: the card is shown with a point per measurement and 2/lr beside it.
        assertThat((Long) js("return window.descentCharts.sharpness.data.datasets[0].data.length")).isEqualTo(8);
        assertThat((Long) js("return window.descentCharts.sharpness.data.datasets[1].data[0].y")).isEqualTo(2000);
        assertThat(browser.findElement(By.id("sharpness-card")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("config")).getText()).contains("optimizer").contains("adam");
        screenshot("run");
        noConsoleErrors();
    }

    @Test
    void aRunBeingWrittenShowsNewPointsWithinTwoSeconds() throws IOException {
        open("/run.html?id=20261125-103000-rmsprop");
        waiting(5).until(d -> Long.valueOf(40).equals(js("return window.descentCharts.loss.data.datasets[0].data.length")));
        assertThat(browser.findElement(By.id("sharpness-card")).isDisplayed()).isFalse();
        StringBuilder more = new StringBuilder();
        for (int s = 41; s <= 50; s++) {
            more.append(Runs.row(s));
        }
        long t0 = System.nanoTime();
        Files.writeString(root.resolve("20261125-103000-rmsprop/metrics.csv"), more.toString(), StandardOpenOption.APPEND);
        waiting(2).until(d -> Long.valueOf(50).equals(js("return window.descentCharts.loss.data.datasets[0].data.length")));
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(2.0);
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("running");
        noConsoleErrors();
    }

    @Test
    void aLongRunIsSentAndDrawnThinnedWithItsExtremesAndKeepsEveryNewPoint() throws IOException {
        // A batch-1 run's length: more steps than the chart has pixel columns many times over.
        Path run = Runs.write(root, "20261125-110000-long", "sgd", 0.01, 20_000, false);
        try {
            // One spike, which min-max decimation must keep.
            String csv = Files.readString(run.resolve("metrics.csv"));
            assertThat(csv).contains("\n" + Runs.row(12_345));
            Files.writeString(run.resolve("metrics.csv"), csv.replace("\n" + Runs.row(12_345), "\n12345,0,9.5,0.5,,\n"));
            open("/run.html?id=20261125-110000-long");
            waiting(10).until(d -> "20000 steps".equals(d.findElement(By.id("points")).getText()));
            // The server sent the rows M4 keeps for the chart's columns, not all 20,000.
            long sent = (Long) js("return window.descentCharts.points.lossTrain.length");
            assertThat(sent).isGreaterThan(1280).isLessThan(20_000 / 2);
            assertThat((Double) js("return Math.max(...window.descentCharts.points.lossTrain.map(p => p.y))")).isEqualTo(9.5);
            // Each step once, in order (two polls in flight would add rows twice).
            assertThat((Boolean) js("const p = window.descentCharts.points.lossTrain; return p.every((q, i) => i === 0 || q.x > p[i - 1].x)")).isTrue();
            waiting(5).until(d -> ((Long) js("return window.descentCharts.loss.getDatasetMeta(0).data.length")) > 0);
            long drawn = (Long) js("return window.descentCharts.loss.getDatasetMeta(0).data.length");
            long width = (Long) js("return window.descentCharts.loss.width");
            assertThat(drawn).as("points drawn for 20,000 (chart %d px wide)", width).isLessThanOrEqualTo(4 * width + 4).isLessThan(20_000);
            assertThat((Double) js("return Math.max(...window.descentCharts.loss.data.datasets[0].data.map(p => p.y))")).isEqualTo(9.5);
            assertThat((Long) js("const d = window.descentCharts.loss.data.datasets[0].data; return d[d.length - 1].x")).isEqualTo(20_000);
            // Still live: new rows reach the full series and the thinned line.
            StringBuilder more = new StringBuilder();
            for (int s = 20_001; s <= 20_100; s++) {
                more.append(Runs.row(s));
            }
            Files.writeString(run.resolve("metrics.csv"), more.toString(), StandardOpenOption.APPEND);
            waiting(3).until(d -> Long.valueOf(sent + 100).equals(js("return window.descentCharts.points.lossTrain.length")));
            assertThat(browser.findElement(By.id("points")).getText()).isEqualTo("20100 steps");
            waiting(3).until(d -> Long.valueOf(20_100).equals(js("const d = window.descentCharts.loss.data.datasets[0].data; return d[d.length - 1].x")));
            noConsoleErrors();
        } finally {
            try (var files = Files.list(run)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(run);
        }
    }

    @Test
    void thePlaygroundDrawsTrajectoriesThatFollowTheSliders() throws IOException {
        open("/playground.html");
        waiting(10).until(d -> ((Long) js("return window.descentPlayground.drawn")) >= 1);
        String before = (String) js("return JSON.stringify(window.descentPlayground.last.trajectories)");
        assertThat((Long) js("return window.descentPlayground.last.trajectories.length")).isEqualTo(3);
        assertThat((Long) js("return window.descentPlayground.last.trajectories[0].x.length")).isGreaterThan(10);
        long drawn = (Long) js("return window.descentPlayground.drawn");
        // Move the first optimizer's learning-rate slider with the keyboard, as a user would.
        WebElement lr = browser.findElements(By.cssSelector(".optrow .lr")).get(0);
        lr.click();
        lr.sendKeys(Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT);
        waiting(5).until(d -> ((Long) js("return window.descentPlayground.drawn")) > drawn
                && !before.equals(js("return JSON.stringify(window.descentPlayground.last.trajectories)")));
        // The condition-number slider changes the function, and the paths with it.
        String mid = (String) js("return JSON.stringify(window.descentPlayground.last.trajectories)");
        WebElement kappa = browser.findElement(By.id("kappa"));
        kappa.click();
        kappa.sendKeys(Keys.END);
        waiting(5).until(d -> !mid.equals(js("return JSON.stringify(window.descentPlayground.last.trajectories)")));
        assertThat(browser.findElement(By.id("optimizers")).getText()).containsPattern("final loss|diverged");
        screenshot("playground");
        noConsoleErrors();
    }
}

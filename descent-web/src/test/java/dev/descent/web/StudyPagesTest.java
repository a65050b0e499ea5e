package dev.descent.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The study pages: the API over study journals (read only, no traversal, a corrupt journal listed as
 * unreadable), and in headless Chromium a study of 2,000 trials with two objectives drawn in full:
 * history, importance, parallel coordinates (only the parameters that vary, log axes), the Pareto
 * front, intermediate values with the pruned trials marked. Screenshots go to target/screenshots.
 */
class StudyPagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path tmp;
    static Path root;
    static Dashboard server;
    static ChromeDriver browser;

    @BeforeAll
    static void start() throws IOException {
        root = Files.createDirectories(tmp.resolve("runs"));
        Studies.write(root, "big", 2000, true, 1);
        Studies.write(root, "tune/lr", 60, false, 2);
        Runs.write(root, "tune/lr/trials/0007", "adam", 1e-3, 40, true);
        Files.createDirectories(root.resolve("broken"));
        Files.writeString(root.resolve("broken/journal.jsonl"), "{\"op\":\"study\",\"format\":\"descent-study\",\"version\":2}\n");
        server = Dashboard.start(root, "127.0.0.1", 0);
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

    private static HttpResponse<String> get(Dashboard d, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theApiListsStudiesAndServesOneColumnByColumnWithoutTouchingItsJournal() throws Exception {
        byte[] before = Files.readAllBytes(root.resolve("big/journal.jsonl"));
        JsonNode list = JSON.readTree(get(server, "/api/studies").body());
        assertThat(list).hasSize(3);
        JsonNode broken = null;
        for (JsonNode s : list) {
            if (s.get("id").asText().equals("broken")) {
                broken = s;
            }
        }
        assertThat(broken).isNotNull();
        assertThat(broken.get("unreadable").asText()).isNotEmpty();
        HttpResponse<String> r = get(server, "/api/study?id=big");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode s = JSON.readTree(r.body());
        assertThat(s.get("trials").get("number")).hasSize(2000);
        assertThat(s.get("objectives").toString()).isEqualTo("[\"val_accuracy\",\"train_seconds\"]");
        assertThat(s.get("pareto").size()).isGreaterThan(2);
        assertThat(s.get("counts").get("running").asInt()).isEqualTo(3);
        assertThat(s.get("importance").get("val_accuracy").fieldNames()).toIterable().first().isEqualTo("lr");
        assertThat(s.get("trials").get("params").get("momentum").get(1).isNull() || s.get("trials").get("params").get("momentum").get(1).isNumber()).isTrue();
        assertThat(Files.readAllBytes(root.resolve("big/journal.jsonl"))).isEqualTo(before);
        assertThat(get(server, "/api/study?id=broken").statusCode()).isEqualTo(422);
        for (String bad : List.of("../runs/big", "big/..", "/etc", "nothing")) {
            HttpResponse<String> b = get(server, "/api/study?id=" + java.net.URLEncoder.encode(bad, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(b.statusCode()).as(bad).isIn(400, 404);
            assertThat(b.body()).startsWith("{\"error\":");
        }
    }

    private static ChromeDriver browser() {
        Assumptions.assumeTrue(Files.isExecutable(DashboardBrowserTest.CHROMIUM) && Files.isExecutable(DashboardBrowserTest.DRIVER),
                "Debian chromium and chromium-driver are not installed");
        if (browser == null) {
            browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DashboardBrowserTest.DRIVER.toFile()).build(),
                    DashboardBrowserTest.options());
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1400));
        }
        return browser;
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private static void rendered(double seconds) {
        try {
            new WebDriverWait(browser, Duration.ofMillis((long) (seconds * 1000))).until(d -> js("return window.descentStudyRenderedAt") != null);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the study page did not render; console: " + browser.manage().logs().get(LogType.BROWSER).getAll()
                    + "; error: " + browser.findElement(By.id("error")).getText(), e);
        }
    }

    private static void screenshot(String name) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Files.write(dir.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private static void noConsoleErrors() {
        List<LogEntry> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream().filter(e -> e.getLevel() == Level.SEVERE).toList();
        assertThat(severe).as("console errors").isEmpty();
    }

    @Test
    void aStudyOfTwoThousandTrialsDrawsEveryPanel() throws Exception {
        browser().get("http://127.0.0.1:" + server.port() + "/study.html?id=big");
        rendered(10);
        JsonNode s = JSON.readTree(get(server, "/api/study?id=big").body());
        int complete = s.get("counts").get("complete").asInt();
        long prunedWithReports = 0;
        for (int i = 0; i < 2000; i++) {
            if (s.get("trials").get("state").get(i).asText().equals("pruned") && !s.get("trials").get("intermediate").get(i).isEmpty()) {
                prunedWithReports++;
            }
        }
        assertThat(((Number) js("return window.descentStudy.historyPoints")).intValue()).isEqualTo(complete);
        assertThat(((Number) js("return window.descentStudy.lines")).intValue()).isEqualTo(complete);
        assertThat(((Number) js("return window.descentStudy.paretoPoints")).intValue()).isEqualTo(s.get("pareto").size());
        assertThat(((Number) js("return window.descentStudy.pruned")).longValue()).isEqualTo(prunedWithReports).isGreaterThan(300);
        assertThat(((Number) js("return window.descentStudy.curves")).intValue()).isGreaterThan(1990);
        assertThat(((Number) js("return window.descentStudy.importanceBars")).intValue()).isEqualTo(5);
        @SuppressWarnings("unchecked")
        List<String> axes = (List<String>) js("return window.descentStudy.axes");
        // The width never varies: no axis for it; lr and batch size on log axes; the objective last.
        assertThat(axes).containsExactly("lr (log)", "batch-size (log)", "optimizer", "momentum", "dropout", "val_accuracy");
        assertThat(browser.findElement(By.id("summary")).getText()).contains("2000 trials").contains("Pareto front of");
        assertThat(browser.findElements(By.cssSelector("#top tbody tr"))).hasSize(15);
        screenshot("study");
        // Another objective: the history and the parallel coordinates follow it.
        new Select(browser.findElement(By.id("objective"))).selectByVisibleText("train_seconds");
        assertThat(((List<?>) js("return window.descentStudy.axes")).getLast()).isEqualTo("train_seconds");
        assertThat(browser.findElement(By.id("top-title")).getText()).isEqualTo("Best trials by train_seconds");
        noConsoleErrors();
    }

    @Test
    void aSingleObjectiveStudyLinksItsTrialsRunsAndHidesTheParetoFront() throws Exception {
        browser().get("http://127.0.0.1:" + server.port() + "/?runs");
        new WebDriverWait(browser, Duration.ofSeconds(5)).until(d -> d.findElements(By.cssSelector("#studies tbody tr")).size() == 3);
        assertThat(browser.findElement(By.id("studies")).getText()).contains("big").contains("front of").contains("unreadable");
        browser.findElement(By.linkText("tune/lr")).click();
        rendered(5);
        assertThat(browser.findElement(By.id("pareto-card")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("objective-label")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("summary")).getText()).contains("60 trials").contains("best ");
        assertThat(browser.findElement(By.cssSelector("#top tbody a")).getAttribute("href")).contains("/run.html?id=tune%2Flr%2Ftrials%2F");
        noConsoleErrors();
    }

    @Test
    void servingAStudyDirectoryOpensItsPage() throws Exception {
        Path dir = Studies.write(Files.createDirectories(tmp.resolve("direct")), ".", 50, true, 3);
        try (Dashboard d = Dashboard.start(dir, "127.0.0.1", 0)) {
            browser().get("http://127.0.0.1:" + d.port() + "/");
            rendered(5);
            assertThat(browser.getCurrentUrl()).endsWith("/study.html?id=.");
            assertThat(browser.findElement(By.id("title")).getText()).contains("this directory");
            assertThat(((Number) js("return window.descentStudy.paretoPoints")).intValue()).isPositive();
            screenshot("study-direct");
            noConsoleErrors();
        }
    }
}

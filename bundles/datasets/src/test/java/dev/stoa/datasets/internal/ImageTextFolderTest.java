package dev.stoa.datasets.internal;

import static dev.stoa.datasets.internal.ShapesDatasetTest.assertBadConfigOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTextFolderTest {

    @TempDir
    Path root;

    private final ImageTextFolderFactory factory = new ImageTextFolderFactory(Path.of(""));
    private final Map<String, Image> written = new HashMap<>();

    @BeforeEach
    void writeFolder() throws Exception {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            String name = "img/" + i + ".png";
            Image image = TestFiles.image(6 + i % 3, 5, i);
            Files.createDirectories(root.resolve("img"));
            Files.write(root.resolve(name), image.encodePng());
            written.put(name, image);
            jsonl.append(
                    i == 7
                            ? "{\"image\": \"" + name + "\", \"captions\": [\"first of " + i + "\", \"second of " + i
                                    + "\"], \"label\": \"cat\"}\n"
                            : "{\"image\": \"" + name + "\", \"caption\": \"picture " + i + "\", \"label\": \""
                                    + (i % 2 == 0 ? "even" : "odd") + "\"}\n");
            if (i == 20) {
                jsonl.append("\n"); // blank lines are ignored
            }
        }
        Files.write(root.resolve("img/corrupt.png"), TestFiles.corruptPng());
        jsonl.append("{\"image\": \"img/corrupt.png\", \"caption\": \"broken\"}\n");
        jsonl.append("{\"image\": \"img/missing.png\", \"caption\": \"gone\"}\n");
        TestFiles.write(root.resolve("captions.jsonl"), jsonl.toString());
    }

    @Test
    void readsEveryLineIntoAHashSplitAndDecodesTheImages() {
        Dataset d = factory.open(Map.of("root", root.toString(), "test_fraction", 0.25));
        Dataset.Split train = d.split("train");
        Dataset.Split test = d.split("test");
        assertThat(train.size() + test.size()).isEqualTo(42);
        // a hash split of 42 ids at 0.25: some in each, and the same assignment on every open
        assertThat(test.size()).isBetween(3, 20);
        assertThat(ids(factory.open(Map.of("root", root.toString(), "test_fraction", 0.25))
                        .split("test")))
                .isEqualTo(ids(test));
        for (Dataset.Split split : List.of(train, test)) {
            for (int i = 0; i < split.size(); i++) {
                Example e = split.get(i);
                if (e == null) {
                    continue;
                }
                assertThat(e.image()).isEqualTo(written.get(e.id()));
                assertThat(e.attributes()).containsEntry("file", e.id());
                if (e.id().equals("img/7.png")) {
                    assertThat(e.captions()).containsExactly("first of 7", "second of 7");
                    assertThat(e.label()).isEqualTo("cat");
                } else {
                    assertThat(e.caption()).isEqualTo("picture " + e.id().replaceAll("\\D", ""));
                }
            }
        }
        assertThat(d.labels()).containsExactly("cat", "even", "odd");
        assertThat(d.promptTemplates()).allMatch(t -> t.contains("{}"));
    }

    @Test
    void corruptAndMissingImagesAreCountedSkipsLoggedOnce() {
        Dataset d = factory.open(Map.of("root", root.toString(), "test_fraction", 0));
        Dataset.Split train = d.split("train");
        try (TestFiles.LogCapture log = new TestFiles.LogCapture(RecordSplit.class)) {
            for (int pass = 0; pass < 3; pass++) {
                int nulls = 0;
                for (int i = 0; i < train.size(); i++) {
                    if (train.get(i) == null) {
                        nulls++;
                    }
                }
                assertThat(nulls).isEqualTo(2);
            }
            assertThat(train.skipped()).isEqualTo(2);
            assertThat(log.count("corrupt.png")).isEqualTo(1);
            assertThat(log.count("missing.png")).isEqualTo(1);
            assertThat(log.count("is missing")).isEqualTo(1);
        }
        assertThat(d.describe().get("skipped")).isEqualTo(Map.of("train", 2L, "test", 0L));
    }

    @Test
    void onErrorFailThrowsBadInputNamingTheFile() {
        Dataset d = factory.open(Map.of("root", root.toString(), "test_fraction", 0, "on_error", "fail"));
        Dataset.Split train = d.split("train");
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            try {
                assertThat(train.get(i)).isNotNull();
            } catch (StoaException e) {
                assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT);
                failures.add(e.getMessage());
            }
        }
        assertThat(failures).hasSize(2);
        assertThat(failures).anyMatch(m -> m.contains("corrupt.png")).anyMatch(m -> m.contains("missing.png"));
    }

    @Test
    void tsvWithHeaderAndLabels() throws Exception {
        TestFiles.write(
                root.resolve("pairs.tsv"),
                "image\tcaption\tlabel\nimg/1.png\ta one\tx\n" + "img/2.png\ta two\ty\nimg/3.png\ta three\n");
        Dataset d = factory.open(Map.of("root", root.toString(), "captions", "pairs.tsv", "test_fraction", "0"));
        assertThat(d.split("train").size()).isEqualTo(3);
        assertThat(d.split("train").get(1).caption()).isEqualTo("a two");
        assertThat(d.split("train").get(1).image()).isEqualTo(written.get("img/2.png"));
        assertThat(d.labels()).containsExactly("x", "y");
    }

    @Test
    void aSplitColumnNamesTheSplit() throws Exception {
        TestFiles.write(
                root.resolve("s.jsonl"),
                "{\"image\": \"img/1.png\", \"caption\": \"a\", \"split\": \"val\"}\n"
                        + "{\"image\": \"img/2.png\", \"caption\": \"b\", \"split\": \"train\"}\n"
                        + "{\"image\": \"img/3.png\", \"caption\": \"c\", \"split\": \"val\"}\n");
        Dataset d = factory.open(Map.of("root", root.toString(), "captions", "s.jsonl"));
        assertThat(d.splits()).containsExactly("train", "test", "val");
        assertThat(ids(d.split("val"))).containsExactly("img/1.png", "img/3.png");
        assertThat(ids(d.split("train"))).containsExactly("img/2.png");
    }

    @Test
    void aMalformedLineFailsOpenNamingFileAndLine() throws Exception {
        TestFiles.write(
                root.resolve("bad.jsonl"),
                "{\"image\": \"img/1.png\", \"caption\": \"a\"}\n"
                        + "{\"image\": \"img/2.png\", \"caption\": \"b\"}\n{\"image\": \"img/3.png\", \"caption\": \n");
        assertBadConfigOf(() -> factory.open(Map.of("root", root.toString(), "captions", "bad.jsonl")), "bad.jsonl:3");
        TestFiles.write(root.resolve("nocap.jsonl"), "{\"image\": \"img/1.png\"}\n");
        assertBadConfigOf(
                () -> factory.open(Map.of("root", root.toString(), "captions", "nocap.jsonl")),
                "nocap.jsonl:1: has no 'caption'");
        TestFiles.write(root.resolve("bad.tsv"), "img/1.png only-one-column-here\n");
        assertBadConfigOf(() -> factory.open(Map.of("root", root.toString(), "captions", "bad.tsv")), "bad.tsv:1");
        TestFiles.write(root.resolve("escape.jsonl"), "{\"image\": \"../secret.png\", \"caption\": \"x\"}\n");
        assertBadConfigOf(
                () -> factory.open(Map.of("root", root.toString(), "captions", "escape.jsonl")), "outside the folder");
    }

    @Test
    void relativePathsResolveAgainstTheInstallation() {
        ImageTextFolderFactory installed = new ImageTextFolderFactory(root.getParent());
        Dataset d = installed.open(Map.of("root", root.getFileName().toString(), "test_fraction", 0));
        assertThat(d.split("train").size()).isEqualTo(42);
        assertThat(d.split("train").get(0).image()).isEqualTo(written.get("img/0.png"));
    }

    @Test
    void optionErrorsNameTheOption() {
        assertBadConfigOf(() -> factory.open(Map.of()), "'root'");
        assertBadConfigOf(() -> factory.open(Map.of("root", root.resolve("nope").toString())), "'root'");
        assertBadConfigOf(() -> factory.open(Map.of("root", root.toString(), "captions", "x.jsonl")), "'captions'");
        assertBadConfigOf(() -> factory.open(Map.of("root", root.toString(), "on_error", "ignore")), "'on_error'");
        assertBadConfigOf(() -> factory.open(Map.of("root", root.toString(), "test_fraction", 1.5)), "'test_fraction'");
        assertBadConfigOf(() -> factory.open(Map.of("root", root.toString(), "caption", "x")), "'caption'");
        assertThatThrownBy(() -> factory.open(Map.of("root", root.toString())).split("val"))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("[train, test]");
    }

    static List<String> ids(Dataset.Split split) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < split.size(); i++) {
            Example e = split.get(i);
            ids.add(e == null ? null : e.id());
        }
        return ids;
    }
}

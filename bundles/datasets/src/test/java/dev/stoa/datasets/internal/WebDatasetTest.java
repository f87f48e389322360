package dev.stoa.datasets.internal;

import static dev.stoa.datasets.internal.ShapesDatasetTest.assertBadConfigOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebDatasetTest {

    private static final String LONG_DIR = "a-folder-name-long-enough-that-the-path-needs-a-pax-header/"
            + "and-then-some-more-characters-to-pass-one-hundred/";

    @TempDir
    Path dir;

    private final WebDatasetFactory factory = new WebDatasetFactory(Path.of(""));
    private final Map<String, Image> written = new HashMap<>();

    /** Two shards: 5 + 4 captioned samples, one of them a corrupt PNG; one sample without caption, one without image. */
    @BeforeEach
    void writeShards() throws IOException {
        Path shards = Files.createDirectories(dir.resolve("shards"));
        try (TestFiles.TarWriter tar = new TestFiles.TarWriter(shards.resolve("train-000000.tar"))) {
            for (int i = 0; i < 4; i++) {
                String key = "s0/" + String.format("%04d", i);
                Image image = TestFiles.image(7, 4, i);
                written.put(key, image);
                tar.add(key + ".png", image.encodePng()).add(key + ".txt", "caption " + i + "\n");
            }
            Image jpg = TestFiles.image(8, 8, 99);
            written.put("s0/json", jpg);
            tar.add("s0/json.jpg", TestFiles.jpegLike(jpg))
                    .add("s0/json.json", "{\"captions\": [\"one\", \"two\"], \"label\": \"dog\", \"width\": 8}");
            tar.add("s0/nocaption.png", TestFiles.image(3, 3, 1).encodePng());
            tar.add("s0/noimage.txt", "only words");
        }
        try (TestFiles.TarWriter tar = new TestFiles.TarWriter(shards.resolve("train-000001.tar"))) {
            for (int i = 4; i < 6; i++) {
                String key = "s1/" + String.format("%04d", i);
                Image image = TestFiles.image(5, 6, i);
                written.put(key, image);
                tar.add(key + ".png", image.encodePng()).add(key + ".txt", "caption " + i);
            }
            tar.add("s1/broken.png", TestFiles.corruptPng()).add("s1/broken.txt", "a broken one");
            Image deep = TestFiles.image(4, 4, 42);
            written.put(LONG_DIR + "deep", deep);
            tar.add(LONG_DIR + "deep.png", deep.encodePng())
                    .add(LONG_DIR + "deep.cls", "7")
                    .add(LONG_DIR + "deep.txt", "deep down");
        }
    }

    @Test
    void braceRangeIndexesBothShardsAndReadsSamplesByIndex() {
        Dataset d = factory.open(Map.of("shards", dir + "/shards/train-{000000..000001}.tar", "test_fraction", 0));
        Dataset.Split train = d.split("train");
        assertThat(train.size()).isEqualTo(9);
        assertThat(d.describe())
                .containsEntry("shards", 2)
                .containsEntry("uncaptioned", 1)
                .containsEntry("without_image", 1);
        int nulls = 0;
        for (int i = train.size() - 1; i >= 0; i--) {
            Example e = train.get(i);
            if (e == null) {
                nulls++;
                continue;
            }
            Image expected = written.get(e.id());
            assertThat(expected).as(e.id()).isNotNull();
            if (e.id().equals("s0/json")) {
                // JPEG is lossy: same size, close pixels
                assertThat(e.captions()).containsExactly("one", "two");
                assertThat(e.label()).isEqualTo("dog");
                assertThat(e.image().width()).isEqualTo(8);
            } else {
                assertThat(e.image()).isEqualTo(expected);
            }
        }
        assertThat(nulls).isEqualTo(1);
        assertThat(train.skipped()).isEqualTo(1);
        Example deep = ImageTextFolderTest.ids(train).contains(LONG_DIR + "deep")
                ? train.get(ImageTextFolderTest.ids(train).indexOf(LONG_DIR + "deep"))
                : null;
        assertThat(deep).isNotNull();
        assertThat(deep.caption()).isEqualTo("deep down");
        assertThat(deep.label()).isEqualTo("7");
        assertThat(d.labels()).containsExactly("7", "dog");
        d.close();
    }

    @Test
    void parallelReadsGiveWhatSequentialReadsGive() {
        Dataset.Split train = factory.open(Map.of("shards", dir + "/shards", "test_fraction", 0))
                .split("train");
        List<Image> sequential = IntStream.range(0, train.size())
                .mapToObj(i -> train.get(i) == null ? null : train.get(i).image())
                .toList();
        for (int round = 0; round < 20; round++) {
            List<Image> parallel = IntStream.range(0, train.size())
                    .parallel()
                    .mapToObj(i -> train.get(i) == null ? null : train.get(i).image())
                    .toList();
            assertThat(parallel).isEqualTo(sequential);
        }
        assertThat(train.skipped()).isEqualTo(1);
    }

    @Test
    void folderGlobAndListFindTheSameSamples() {
        List<String> byBrace =
                ImageTextFolderTest.ids(factory.open(Map.of("shards", dir + "/shards/train-{000000..000001}.tar"))
                        .split("train"));
        assertThat(ImageTextFolderTest.ids(
                        factory.open(Map.of("shards", dir + "/shards")).split("train")))
                .isEqualTo(byBrace);
        assertThat(ImageTextFolderTest.ids(
                        factory.open(Map.of("shards", dir + "/shards/*.tar")).split("train")))
                .isEqualTo(byBrace);
        assertThat(ImageTextFolderTest.ids(factory.open(Map.of(
                                "shards", List.of(dir + "/shards/train-000000.tar", dir + "/shards/train-000001.tar")))
                        .split("train")))
                .isEqualTo(byBrace);
    }

    @Test
    void aTruncatedShardKeepsTheSamplesBeforeTheCut() throws IOException {
        Path shard = dir.resolve("shards/train-000000.tar");
        Path cut = Files.createDirectories(dir.resolve("cut")).resolve("cut.tar");
        byte[] all = Files.readAllBytes(shard);
        Files.write(cut, Arrays.copyOf(all, all.length / 2 + 100));
        try (FileChannel c = FileChannel.open(cut)) {
            TarIndex index = TarIndex.read(c);
            assertThat(index.problem()).isNotNull();
            assertThat(index.entries()).isNotEmpty().allMatch(e -> e.offset() + e.size() <= all.length / 2 + 100);
        }
        Dataset d = factory.open(Map.of("shards", cut.toString(), "test_fraction", 0));
        assertThat(d.split("train").size()).isBetween(1, 4);
        assertThat(d.split("train").get(0).image()).isEqualTo(written.get("s0/0000"));
    }

    @Test
    void braceExpansionKeepsZeroPaddingAndCombines() {
        assertThat(ShardPaths.expandBraces("x-{000008..000010}.tar"))
                .containsExactly("x-000008.tar", "x-000009.tar", "x-000010.tar");
        assertThat(ShardPaths.expandBraces("{a,b}-{1..2}")).containsExactly("a-1", "a-2", "b-1", "b-2");
        assertThat(ShardPaths.expandBraces("plain.tar")).containsExactly("plain.tar");
    }

    @Test
    void optionErrorsNameTheOption() {
        assertBadConfigOf(() -> factory.open(Map.of()), "'shards'");
        assertBadConfigOf(
                () -> factory.open(Map.of("shards", dir + "/shards/train-{000000..000003}.tar")), "train-000002.tar");
        assertBadConfigOf(() -> factory.open(Map.of("shards", dir + "/shards/train-{0..x}.tar")), "'shards'");
        assertBadConfigOf(() -> factory.open(Map.of("shards", dir + "/shards/*.zip")), "'shards'");
        assertBadConfigOf(() -> factory.open(Map.of("shards", dir + "/shards", "root", "x")), "'root'");
    }
}

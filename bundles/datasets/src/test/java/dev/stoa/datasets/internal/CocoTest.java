package dev.stoa.datasets.internal;

import static dev.stoa.datasets.internal.ShapesDatasetTest.assertBadConfigOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoTest {

    /** COCO's layout: info and licenses first, images, then annotations with five captions for image 139. */
    private static final String ANNOTATIONS = """
            {"info": {"description": "COCO 2017 Dataset", "year": 2017},
             "licenses": [{"id": 1, "name": "CC BY 2.0", "url": "x"}],
             "images": [
               {"license": 1, "file_name": "000000000139.jpg", "height": 6, "width": 9, "id": 139},
               {"license": 1, "file_name": "000000000285.jpg", "height": 6, "width": 9, "id": 285},
               {"license": 1, "file_name": "000000000632.jpg", "height": 6, "width": 9, "id": 632},
               {"license": 1, "file_name": "000000000724.png", "height": 5, "width": 5, "id": 724}
             ],
             "annotations": [
               {"image_id": 139, "id": 1, "caption": "A woman stands in the dining area at the table."},
               {"image_id": 285, "id": 2, "caption": "A big burly grizzly bear is show with grass."},
               {"image_id": 139, "id": 3, "caption": "A room with chairs, a table, and a woman in it."},
               {"image_id": 139, "id": 4, "caption": "A woman standing in a kitchen by a window"},
               {"image_id": 139, "id": 5, "caption": "A person standing at a table in a room."},
               {"image_id": 139, "id": 6, "caption": "A living area with a television and a table"},
               {"image_id": 724, "id": 7, "caption": "A stop sign."},
               {"image_id": 999, "id": 8, "caption": "No such image."}
             ]}
            """;

    @TempDir
    Path dir;

    private final CocoFactory factory = new CocoFactory(Path.of(""));
    private Image image139;

    @BeforeEach
    void writeCoco() throws Exception {
        TestFiles.write(dir.resolve("annotations/captions_val2017.json"), ANNOTATIONS);
        Path images = Files.createDirectories(dir.resolve("val2017"));
        image139 = TestFiles.image(9, 6, 139);
        Files.write(images.resolve("000000000139.jpg"), image139.encodePng()); // decoders sniff the content
        Files.write(
                images.resolve("000000000724.png"), TestFiles.image(5, 5, 724).encodePng());
        // 285 is missing; 632 has no captions
    }

    private Dataset open(Map<String, Object> extra) {
        Map<String, Object> options = new HashMap<>(Map.of(
                "annotations",
                dir.resolve("annotations/captions_val2017.json").toString(),
                "images",
                dir.resolve("val2017").toString(),
                "test_fraction",
                0));
        options.putAll(extra);
        return factory.open(options);
    }

    @Test
    void groupsTheCaptionsOfEachImageAndSkipsAMissingFile() {
        Dataset d = open(Map.of());
        Dataset.Split train = d.split("train");
        assertThat(ImageTextFolderTest.ids(train)).containsExactly("139", null, "724");
        Example e = train.get(0);
        assertThat(e.captions())
                .hasSize(5)
                .startsWith("A woman stands in the dining area at the table.")
                .endsWith("A living area with a television and a table");
        assertThat(e.image()).isEqualTo(image139);
        assertThat(e.label()).isNull();
        assertThat(e.attributes()).containsEntry("file", "000000000139.jpg");
        assertThat(train.skipped()).isEqualTo(1);
        assertThat(d.labels()).isEmpty();
        assertThat(d.describe()).containsEntry("uncaptioned", 1).containsEntry("orphan_captions", 1);
    }

    @Test
    void aHashSplitSendsEveryImageToExactlyOneSplit() {
        Dataset d = open(Map.of("test_fraction", 0.5));
        assertThat(d.split("train").size() + d.split("test").size()).isEqualTo(3);
    }

    @Test
    void brokenAnnotationsNameTheFileAndEntry() throws Exception {
        TestFiles.write(dir.resolve("bad.json"), "{\"images\": [{\"id\": 1}], \"annotations\": []}");
        assertBadConfigOf(
                () -> open(Map.of("annotations", dir.resolve("bad.json").toString())), "images[0] has no 'file_name'");
        TestFiles.write(dir.resolve("cut.json"), ANNOTATIONS.substring(0, 400));
        assertBadConfigOf(
                () -> open(Map.of("annotations", dir.resolve("cut.json").toString())), "cut.json");
        assertBadConfigOf(
                () -> open(Map.of("annotations", dir.resolve("none.json").toString())), "'annotations'");
        assertBadConfigOf(() -> open(Map.of("images", dir.resolve("nope").toString())), "'images'");
    }
}

package dev.stoa.api.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {

    @TempDir
    Path root;

    @Test
    void publishSyncsAndRenamesTheStagedFolderIntoTheNextVersion() throws IOException {
        ModelStore store = new ModelStore(root);
        for (int n = 1; n <= 2; n++) {
            Path staging = store.newStaging("clip-tiny");
            Files.createDirectories(staging.resolve("weights"));
            Files.writeString(staging.resolve("model.json"), "{\"version\": " + n + "}");
            Files.write(staging.resolve("weights/params.bin"), new byte[] {1, 2, 3, (byte) n});

            ModelStore.Version v = store.publish("clip-tiny", staging);

            assertThat(v.number()).isEqualTo(n);
            assertThat(staging).doesNotExist();
            assertThat(v.path().resolve("model.json")).hasContent("{\"version\": " + n + "}");
            assertThat(Files.readAllBytes(v.path().resolve("weights/params.bin")))
                    .containsExactly(1, 2, 3, n);
        }
        assertThat(store.versions("clip-tiny"))
                .extracting(ModelStore.Version::number)
                .containsExactly(1, 2);
    }

    @Test
    void leftoverStagingFoldersAreRemovedAndPublishedVersionsKept() throws IOException {
        ModelStore store = new ModelStore(root);
        Path published = store.newStaging("gpt-tiny");
        Files.writeString(published.resolve("model.json"), "{}");
        ModelStore.Version v = store.publish("gpt-tiny", published);
        // a publish killed half way: a staging folder with part of a model in it, and an empty one elsewhere
        Path killed = store.newStaging("gpt-tiny");
        Files.createDirectories(killed.resolve("weights"));
        Files.write(killed.resolve("weights/params.bin"), new byte[1024]);
        Path empty = store.newStaging("clip-tiny");

        assertThat(store.removeLeftoverStaging()).containsExactlyInAnyOrder(killed, empty);

        assertThat(killed).doesNotExist();
        assertThat(empty).doesNotExist();
        assertThat(v.path().resolve("model.json")).exists();
        assertThat(store.latest("gpt-tiny")).contains(v);
        assertThat(store.removeLeftoverStaging()).isEmpty();
    }

    @Test
    void anEmptyStoreHasNoLeftovers() throws IOException {
        assertThat(new ModelStore(root.resolve("absent")).removeLeftoverStaging())
                .isEmpty();
    }
}

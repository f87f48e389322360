package dev.stoa.nn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.StoaException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VariantModelFactoryTest {

    /** A model whose config is two keys: a width and a dropout. */
    record Config(String name, int width, double dropout) {
        Map<String, Object> values() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("width", width);
            m.put("dropout", dropout);
            return m;
        }

        static Config read(String name, Properties p, String source) {
            VariantReader r = new VariantReader(p, source);
            r.onlyKeys("Toy", List.of("width", "dropout"));
            return new Config(name, r.integer("width", 8, 64), r.fraction("dropout", true));
        }
    }

    /** What {@code build} received; the trainable itself is not under test here. */
    record Built(String modelId, Config config) {}

    static final class ToyFactory extends VariantModelFactory<Config> {
        Built built;

        ToyFactory(Path dir) {
            super("toy", "toys", path -> url(dir.resolve(path)), Config::read, Config::values);
        }

        @Override
        protected TrainableModel build(String modelId, Config config) {
            built = new Built(modelId, config);
            return null;
        }

        private static URL url(Path file) {
            try {
                return Files.exists(file) ? file.toUri().toURL() : null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @TempDir
    Path dir;

    private ToyFactory factory() throws IOException {
        Files.createDirectories(dir.resolve("variants"));
        Files.writeString(dir.resolve("variants/tiny.properties"), "width = 16\ndropout = 0.1\n");
        Files.writeString(dir.resolve("variants/wide.properties"), "width = 64\ndropout = 0\n");
        return new ToyFactory(dir);
    }

    @Test
    void defaultsShowTheTinyVariantAndTheIdItPublishes() throws IOException {
        assertThat(factory().defaults())
                .containsExactly(
                        Map.entry("variant", "tiny"),
                        Map.entry("model_id", "toy-<variant>"),
                        Map.entry("width", 16),
                        Map.entry("dropout", 0.1));
    }

    @Test
    void aTrainingFileOverridesKeysOfTheNamedVariant() throws IOException {
        ToyFactory f = factory();
        f.create(Map.of("variant", "wide", "dropout", 0.5));
        assertThat(f.built).isEqualTo(new Built("toy-wide", new Config("wide", 64, 0.5)));
        f.create(Map.of("model_id", "toy-mine_2"));
        assertThat(f.built).isEqualTo(new Built("toy-mine_2", new Config("tiny", 16, 0.1)));
    }

    @Test
    void mistakesAreNamedWithTheirFix() throws IOException {
        ToyFactory f = factory();
        assertThatThrownBy(() -> f.create(Map.of("variant", "huge")))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("model.variant is 'huge'")
                .hasMessageContaining("variants/<variant>.properties of the toys bundle");
        assertThatThrownBy(() -> f.create(Map.of("variant", "../tiny")))
                .hasMessageContaining("model.variant is '../tiny'");
        assertThatThrownBy(() -> f.create(Map.of("model_id", "other-x")))
                .hasMessageContaining("model.model_id is 'other-x'; name it 'toy-<name>'")
                .hasMessageContaining("so the toys bundle serves it");
        assertThatThrownBy(() -> f.create(Map.of("model_id", "toy-"))).hasMessageContaining("model.model_id is 'toy-'");
        assertThatThrownBy(() -> f.create(Map.of("depth", 2)))
                .hasMessageContaining("model.depth is not an option of Toy; use [width, dropout]");
        assertThatThrownBy(() -> f.create(Map.of("width", "wide")))
                .hasMessageContaining("model.width is 'wide'; use a whole number from 8 to 64");
        assertThatThrownBy(() -> f.create(Map.of("dropout", 1.5)))
                .hasMessageContaining("model.dropout is '1.5'; use a number from 0 to 1");
        assertThat(f.built).isNull();
    }

    @Test
    void aBrokenVariantFileIsNamed() throws IOException {
        ToyFactory f = factory();
        Files.writeString(dir.resolve("variants/bad.properties"), "width = 4\ndropout = 0\n");
        assertThatThrownBy(() -> f.variant("bad"))
                .hasMessageContaining("variants/bad.properties.width is '4'; use a whole number from 8 to 64");
        Files.writeString(dir.resolve("variants/short.properties"), "width = 8\n");
        assertThatThrownBy(() -> f.variant("short"))
                .hasMessageContaining("variants/short.properties.dropout is missing");
    }
}

package dev.stoa.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VariantCatalogTest {

    /** A variant is its name and its width, so a test can tell which file it came from. */
    private static final ShippedVariants.Parser<String> WIDTH = (name, in) -> {
        Properties p = new Properties();
        p.load(in);
        return name + "=" + p.getProperty("width");
    };

    @Test
    void aTrainedVersionOpensItsOwnVariantFileAndTheShippedModelItsBundlesFile(@TempDir Path dir) throws Exception {
        Path shipped = Files.createDirectories(dir.resolve("variants"));
        Files.writeString(shipped.resolve("tiny.properties"), "width = 64\n");
        VariantCatalog<String> catalog = new VariantCatalog<>(
                "clip",
                Collections.enumeration(
                        List.of(shipped.resolve("tiny.properties").toUri().toURL())),
                WIDTH,
                (file, why) -> {});
        Path version = Files.createDirectories(dir.resolve("models/clip-tiny/3"));
        Files.writeString(version.resolve(VariantCatalog.VARIANT_FILE), "width = 96\n");

        assertThat(catalog.shipped()).containsExactly("clip-tiny");
        assertThat(catalog.handles("clip-other")).isTrue();
        assertThat(catalog.handles("gpt-tiny")).isFalse();
        assertThat(catalog.variantOf(ModelSource.shipped("clip-tiny"))).isEqualTo("tiny=64");
        assertThat(catalog.variantOf(new ModelSource("clip-tiny", 3, version))).isEqualTo("tiny=96");
    }

    @Test
    void neitherAVariantFileNorAShippedVariantIsABadConfigNamingTheFolder(@TempDir Path dir) throws Exception {
        VariantCatalog<String> catalog = new VariantCatalog<>("gpt", null, WIDTH, (file, why) -> {});
        Path version = Files.createDirectories(dir.resolve("gpt-captions/1"));

        assertThatThrownBy(() -> catalog.variantOf(new ModelSource("gpt-captions", 1, version)))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining(version + " has no variant.properties")
                .hasMessageContaining("not a variant of the gpt bundle")
                .extracting(e -> ((StoaException) e).code())
                .isEqualTo(FailureCode.BAD_CONFIG);
        assertThatThrownBy(() -> catalog.variantOf(ModelSource.shipped("gpt-huge")))
                .hasMessageStartingWith("'gpt-huge' is not a variant of the gpt bundle");
    }
}

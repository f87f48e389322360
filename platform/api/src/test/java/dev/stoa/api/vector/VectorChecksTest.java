package dev.stoa.api.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VectorChecksTest {

    @Test
    void aVectorOfTheWrongLengthNamesTheFieldAndTheExpectedDimension() {
        assertThatThrownBy(() -> VectorChecks.vector(new float[3], 384))
                .isInstanceOf(StoaException.class)
                .satisfies(e -> assertThat(((StoaException) e).code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageStartingWith("'vector': has 3 components")
                .hasMessageContaining("dimension 384");
        assertThat(VectorChecks.vector(new float[] {1, 2}, 2)).containsExactly(1, 2);
    }

    @Test
    void nonFiniteComponentsAreNamedByIndex() {
        assertThatThrownBy(() -> VectorChecks.vector(new float[] {0, Float.NaN}, 2))
                .hasMessageStartingWith("'vector[1]': is NaN");
        assertThatThrownBy(() -> new VectorDocument("a", new float[] {Float.POSITIVE_INFINITY}))
                .hasMessageStartingWith("'vector[0]': is Infinity");
    }

    @Test
    void collectionNamesAreFolderAndAddressSafe() {
        assertThat(VectorChecks.name("ocr-lines_2")).isEqualTo("ocr-lines_2");
        for (String bad : new String[] {null, "", "Texts", "a b", "../x", "a.b", "-x", "x".repeat(65)}) {
            assertThatThrownBy(() -> VectorChecks.name(bad)).as(bad).hasMessageStartingWith("'collection'");
        }
    }

    @Test
    void metadataMustBeStringsWithinTheLimit() {
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("k", null);
        assertThatThrownBy(() -> VectorChecks.metadata(nullValue, "filter")).hasMessageStartingWith("'filter.k'");
        assertThatThrownBy(() -> VectorChecks.metadata(Map.of("k", "x".repeat(8001)), "metadata"))
                .hasMessageStartingWith("'metadata.k'")
                .hasMessageContaining("8000");
        assertThat(VectorChecks.metadata(null, "metadata")).isEmpty();
    }

    @Test
    void kAndDimensionAreBounded() {
        assertThatThrownBy(() -> VectorChecks.k(0)).hasMessageStartingWith("'k'");
        assertThatThrownBy(() -> VectorChecks.dimension(1025)).hasMessageStartingWith("'dimension'");
        assertThat(VectorChecks.k(10)).isEqualTo(10);
    }

    @Test
    void metricsParseAsWrittenInConfigs() {
        assertThat(VectorMetric.parse("dot-product")).isEqualTo(VectorMetric.DOT_PRODUCT);
        assertThat(VectorMetric.parse(null)).isEqualTo(VectorMetric.COSINE);
        assertThatThrownBy(() -> VectorMetric.parse("euclid"))
                .hasMessageStartingWith("'metric'")
                .hasMessageContaining("cosine, dot_product");
    }

    @Test
    void idsAndMetadataKeysAreBounded() {
        assertThatThrownBy(() -> VectorChecks.id("x".repeat(40_000)))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageStartingWith("'id': has 40000 characters");
        assertThat(VectorChecks.id("x".repeat(VectorChecks.MAX_ID_LENGTH))).hasSize(VectorChecks.MAX_ID_LENGTH);
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= VectorChecks.MAX_METADATA_KEYS; i++) {
            many.put("k" + i, "v");
        }
        assertThatThrownBy(() -> VectorChecks.metadata(many, "metadata"))
                .hasMessageStartingWith("'metadata': has 65 entries");
        assertThatThrownBy(() -> VectorChecks.metadata(Map.of("k".repeat(5000), "v"), "filter"))
                .hasMessageStartingWith("'filter': has a key of 5000 characters");
    }
}

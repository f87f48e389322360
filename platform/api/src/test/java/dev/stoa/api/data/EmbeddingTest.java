package dev.stoa.api.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import org.junit.jupiter.api.Test;

class EmbeddingTest {

    @Test
    void cosineMatchesHandComputedValue() {
        // a = (1, 2, 2), |a| = 3; b = (2, 0, 0), |b| = 2; <a,b> = 2 -> cos = 2 / 6
        Embedding a = new Embedding(new float[] {1, 2, 2});
        Embedding b = new Embedding(new float[] {2, 0, 0});
        assertThat(a.cosine(b)).isCloseTo(1.0 / 3.0, within(1e-9));
        assertThat(a.norm()).isCloseTo(3.0, within(1e-9));
        assertThat(a.normalized().vector()).containsExactly(1f / 3, 2f / 3, 2f / 3);
    }

    @Test
    void differentDimensionsAreAShapeMismatch() {
        Embedding a = new Embedding(new float[] {1, 2});
        Embedding b = new Embedding(new float[] {1, 2, 3});
        assertThatThrownBy(() -> a.cosine(b))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.SHAPE_MISMATCH));
    }

    @Test
    void nonFiniteComponentNamesItsIndex() {
        assertThatThrownBy(() -> new Embedding(new float[] {0, Float.NaN})).hasMessageContaining("vector[1]");
    }
}

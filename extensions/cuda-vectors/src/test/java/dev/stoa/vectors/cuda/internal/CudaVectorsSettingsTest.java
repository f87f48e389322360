package dev.stoa.vectors.cuda.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import org.junit.jupiter.api.Test;

class CudaVectorsSettingsTest {

    @Test
    void namedCollectionsAreTrimmedAndOnlyThoseAreWanted() {
        CudaVectorsSettings s = CudaVectorsSettings.parse(" texts , images,,", " /opt/cuda/lib64 ", 1, 64);

        assertThat(s.collections()).containsExactlyInAnyOrder("texts", "images");
        assertThat(s.all()).isFalse();
        assertThat(s.wants("texts")).isTrue();
        assertThat(s.wants("other")).isFalse();
        assertThat(s.libraryPath()).isEqualTo("/opt/cuda/lib64");
        assertThat(s.device()).isEqualTo(1);
        assertThat(s.chunkBytes()).isEqualTo(64L << 20);
    }

    @Test
    void aStarWantsEveryCollectionAndEmptyWantsNone() {
        assertThat(CudaVectorsSettings.parse("*", "", 0, 256).wants("anything")).isTrue();
        CudaVectorsSettings none = CudaVectorsSettings.parse("", null, 0, 256);
        assertThat(none.wants("texts")).isFalse();
        assertThat(none.libraryPath()).isEmpty();
    }

    @Test
    void badSettingsAreRefusedNamingTheSettingAndTheFix() {
        assertThatThrownBy(() -> CudaVectorsSettings.parse("Texts", "", 0, 256))
                .isInstanceOf(StoaException.class)
                .matches(e -> ((StoaException) e).code() == FailureCode.BAD_CONFIG)
                .hasMessageContaining("'collections' names 'Texts'")
                .hasMessageContaining("etc/dev.stoa.vectors.cuda.cfg");
        assertThatThrownBy(() -> CudaVectorsSettings.parse("texts", "", -1, 256))
                .hasMessageContaining("'device' is -1");
        assertThatThrownBy(() -> CudaVectorsSettings.parse("texts", "", 0, 0))
                .hasMessageContaining("'chunkMb' is 0")
                .hasMessageContaining("1 to 16384");
    }
}

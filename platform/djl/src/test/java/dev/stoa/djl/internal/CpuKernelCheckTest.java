package dev.stoa.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuKernelCheckTest {

    private static final String AVX512_FLAGS = "flags\t\t: fpu sse4_2 avx avx2 fma avx512f avx512dq avx512bw";
    private static final String AVX2_FLAGS = "flags\t\t: fpu sse4_2 avx avx2 fma";

    @Test
    void anAvx512CpuWithoutTheCapIsWarnedAboutNamingTheVariableAndItsValue() {
        assertThat(CpuKernelCheck.warning(Map.of(), AVX512_FLAGS))
                .hasValueSatisfying(w -> assertThat(w).contains("ONEDNN_MAX_CPU_ISA=AVX2"));
        assertThat(CpuKernelCheck.warning(Map.of("ONEDNN_MAX_CPU_ISA", " "), AVX512_FLAGS))
                .isPresent();
    }

    @Test
    void theCapAnyValueOrACpuWithoutAvx512IsNotWarnedAbout() {
        assertThat(CpuKernelCheck.warning(Map.of("ONEDNN_MAX_CPU_ISA", "AVX2"), AVX512_FLAGS))
                .isEmpty();
        assertThat(CpuKernelCheck.warning(Map.of("ONEDNN_MAX_CPU_ISA", "AVX512_CORE"), AVX512_FLAGS))
                .isEmpty();
        assertThat(CpuKernelCheck.warning(Map.of(), AVX2_FLAGS)).isEmpty();
        assertThat(CpuKernelCheck.warning(Map.of(), "")).isEmpty();
        // a flag that only starts like it is not AVX-512 Foundation
        assertThat(CpuKernelCheck.warning(Map.of(), "flags : avx512fx")).isEmpty();
    }

    @Test
    void thisBuildRunsItsTestsWithTheCap() {
        // the build's test JVMs get the variable from the root pom, as bin/stoa's server does
        assertThat(System.getenv("ONEDNN_MAX_CPU_ISA")).isEqualTo("AVX2");
    }
}

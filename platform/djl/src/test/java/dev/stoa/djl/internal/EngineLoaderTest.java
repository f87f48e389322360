package dev.stoa.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

/** Loads the real engines from the test class path, offline, as the distribution's lib/ provides them. */
class EngineLoaderTest {

    @Test
    void loadsTheEnginesTheDistributionShips() {
        for (String engine : DjlRuntimeComponent.ENGINES) {
            assertThat(EngineLoader.load(engine)).as(engine).isTrue();
            assertThat(Engine.getEngine(engine).getVersion()).as(engine).isNotBlank();
        }
    }

    @Test
    void engineWithoutJarsIsReportedNotThrown() {
        assertThat(EngineLoader.load("TensorFlow")).isFalse();
    }
}

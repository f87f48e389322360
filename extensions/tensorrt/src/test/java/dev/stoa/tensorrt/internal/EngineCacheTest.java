package dev.stoa.tensorrt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineCacheTest {

    @TempDir
    Path dir;

    private static final String KEY = "0123456789abcdef".repeat(4);

    @Test
    void storesAndFindsAnEngine() throws Exception {
        EngineCache cache = new EngineCache(dir.resolve("cache"));
        assertThat(cache.lookup(KEY)).isEmpty();
        Path file = cache.store(KEY, out -> out.write(ByteBuffer.wrap(new byte[] {7, 8, 9})));
        assertThat(file).isEqualTo(dir.resolve("cache").resolve(KEY + ".engine"));
        assertThat(Files.readAllBytes(file)).containsExactly(7, 8, 9);
        assertThat(cache.lookup(KEY)).contains(file);
        assertThat(names(dir.resolve("cache"))).containsExactly(KEY + ".engine");
    }

    @Test
    void aFailedWriteLeavesNothingBehind() throws Exception {
        EngineCache cache = new EngineCache(dir);
        assertThatThrownBy(() -> cache.store(KEY, out -> {
                    out.write(ByteBuffer.wrap(new byte[] {1, 2}));
                    throw new IOException("disk full");
                }))
                .hasMessage("disk full");
        assertThat(names(dir)).isEmpty();
        assertThat(cache.lookup(KEY)).isEmpty();
    }

    @Test
    void aSecondStoreReplacesTheFirstWhole() throws Exception {
        EngineCache cache = new EngineCache(dir);
        cache.store(KEY, out -> out.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4})));
        Path file = cache.store(KEY, out -> out.write(ByteBuffer.wrap(new byte[] {5})));
        assertThat(Files.readAllBytes(file)).containsExactly(5);
        cache.evict(KEY);
        assertThat(cache.lookup(KEY)).isEmpty();
    }

    @Test
    void anEmptyFileIsNotAnEngine() throws Exception {
        EngineCache cache = new EngineCache(dir);
        Files.createFile(cache.file(KEY));
        assertThat(cache.lookup(KEY)).isEmpty();
    }

    @Test
    void keysAreHexDigestsOnly() {
        EngineCache cache = new EngineCache(dir);
        assertThatThrownBy(() -> cache.file("../escape")).isInstanceOf(IllegalArgumentException.class);
    }

    private static java.util.List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}

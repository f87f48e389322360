package dev.stoa.vectors.cuda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.api.vector.VectorHit;
import dev.stoa.api.vector.VectorMetric;
import dev.stoa.api.vector.VectorStore;
import dev.stoa.api.vector.VectorStores;
import dev.stoa.vectors.lucene.internal.LuceneVectorStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CudaVectorStoresTest {

    @TempDir
    Path dir;

    private final Lucene lucene = new Lucene();

    /** Lucene collections in the temporary folder, standing in for the Lucene bundle's service. */
    private final class Lucene implements VectorStores {
        final Map<String, LuceneVectorStore> open = new TreeMap<>();

        @Override
        public synchronized VectorStore open(String name, int dimension, VectorMetric metric) {
            return open.computeIfAbsent(name, n -> {
                try {
                    return LuceneVectorStore.open(dir.resolve(n), n, dimension, metric, 100);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        @Override
        public synchronized Optional<VectorStore> find(String name) {
            return Optional.ofNullable(open.get(name));
        }

        @Override
        public synchronized List<String> collections() {
            return List.copyOf(open.keySet());
        }
    }

    @AfterEach
    void close() throws IOException {
        for (LuceneVectorStore s : lucene.open.values()) {
            s.close();
        }
    }

    @Test
    void withoutTheLibrariesANamedCollectionIsServedByLuceneWithTheMissingFileAsReason() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("no-cuda"));
        CudaVectorsSettings settings = CudaVectorsSettings.parse("texts", empty.toString(), 0, 256);
        CudaIndexFactory factory =
                new CudaIndexFactory(settings, CudaLibraries.probe(List.of(empty), CudaLibraries.REQUIRED));
        VectorStore existing = lucene.open("texts", 2, VectorMetric.COSINE);
        existing.upsert("a", new float[] {1, 0}, Map.of());

        CudaVectorStores stores = new CudaVectorStores(null, settings, lucene, factory);
        try {
            CollectionEngine engine = stores.engine("texts").orElseThrow();
            assertThat(engine.engine()).isEqualTo("lucene");
            assertThat(engine.reason())
                    .startsWith("cuda unavailable: libcuda.so.1, libcudart.so.13, libcublasLt.so.13, libcublas.so.13"
                            + " not found in " + empty)
                    .endsWith("; collection texts served by lucene");
            // served, by Lucene's own collection
            VectorStore texts = stores.find("texts").orElseThrow();
            assertThat(texts).isSameAs(existing);
            assertThat(texts.query(new float[] {1, 0}, 1, Map.of()))
                    .extracting(VectorHit::id)
                    .containsExactly("a");
        } finally {
            stores.close();
        }
    }

    @Test
    void aNamedCollectionWithAnIndexIsMirroredAndOthersStayOnLucene() {
        CudaVectorsSettings settings = CudaVectorsSettings.parse("texts", "", 0, 256);
        IndexFactory cpu = new IndexFactory() {
            @Override
            public FlatIndex open(int dimension, FlatMetric metric) {
                return new CpuExactIndex(dimension, metric);
            }

            @Override
            public String device() {
                return "the CPU standing in";
            }

            @Override
            public void close() {}
        };
        CudaVectorStores stores = new CudaVectorStores(null, settings, lucene, cpu);
        try {
            VectorStore texts = stores.open("texts", 2, VectorMetric.DOT_PRODUCT);
            VectorStore other = stores.open("other", 2, VectorMetric.DOT_PRODUCT);
            texts.upsert("a", new float[] {2, 0}, Map.of());

            assertThat(texts).isInstanceOf(MirroredCollection.class);
            assertThat(other).isSameAs(lucene.open.get("other"));
            assertThat(stores.engine("texts").orElseThrow().engine()).isEqualTo("cuda");
            assertThat(stores.engine("texts").orElseThrow().reason()).contains("the CPU standing in");
            assertThat(stores.engine("other")).isEmpty();
            assertThat(texts.query(new float[] {1, 0}, 3, Map.of()))
                    .extracting(VectorHit::score)
                    .containsExactly(2.0);
            assertThat(stores.collections()).containsExactly("other", "texts");
        } finally {
            stores.close();
        }
    }

    @Test
    void withoutThePresetsOnTheClassPathTheReasonNamesTheJar() {
        // the presets are a provided dependency: on this test class path they are present, so the check passes
        assertThat(CudaIndexFactory.missingPresets()).isNull();
    }
}

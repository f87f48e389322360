package dev.stoa.bench;

import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How fast the synthetic shapes dataset renders examples on one thread: {@code split("train").get(i)} for
 * ever new indexes (scene, Java2D drawing, RGB copy, captions). Reported as examples per second.
 *
 * <p>Run: {@code java -jar itests/benchmarks/target/benchmarks.jar ShapesRender}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx512m", "-Djava.awt.headless=true"})
@Threads(1)
public class ShapesRenderBenchmark {

    @Param({"32", "64"})
    public int imageSize;

    /** What each image shows. */
    @Param({"PLAIN", "BUSY", "VARIED", "HELDOUT"})
    public ShapesScene scene;

    private Dataset.Split train;
    private int next;

    @Setup
    public void setUp() {
        train = new ShapesDatasetFactory().open(scene.options(imageSize)).split(scene.split());
    }

    @Benchmark
    public Example render() {
        Example e = train.get(next);
        next = (next + 1) % train.size();
        return e;
    }
}

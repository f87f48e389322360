package dev.stoa.bench;

import dev.stoa.api.data.Embedding;
import dev.stoa.gateway.internal.HttpFront;
import dev.stoa.vertx.Payloads;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What writing an embedding's answer costs the gateway: a 384-float {@link Embedding} turned into its JSON form
 * ({@link Payloads#toJson}) and written as the HTTP body, as every answer was before (Vert.x's
 * {@code encodePrettily}), compactly by Vert.x ({@code encode}, {@code Float.toString} per element), and as the
 * gateway writes it now (jackson-core's generator with the Schubfach float writer, into the response buffer).
 *
 * <p>Run: {@code java -jar itests/benchmarks/target/benchmarks.jar JsonAnswer}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class JsonAnswerBenchmark {

    private Embedding embedding;

    @Setup
    public void setUp() {
        Random random = new Random(1);
        float[] v = new float[384];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * 0.05);
        }
        embedding = new Embedding(v);
    }

    /** The answer before: indented. */
    @Benchmark
    public Buffer pretty() {
        return Buffer.buffer(Payloads.toJson(embedding).encodePrettily());
    }

    /** Vert.x's compact encoder. */
    @Benchmark
    public Buffer vertxCompact() {
        return Buffer.buffer(Payloads.toJson(embedding).encode());
    }

    /** The gateway's writer now. */
    @Benchmark
    public Buffer gateway() {
        JsonObject json = Payloads.toJson(embedding);
        return HttpFront.compactAnswer(json);
    }
}

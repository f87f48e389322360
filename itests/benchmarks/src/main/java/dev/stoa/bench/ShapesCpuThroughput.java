package dev.stoa.bench;

import dev.stoa.api.dataset.Dataset;
import dev.stoa.datasets.internal.ShapesDatasetFactory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Shapes rendering speed per CPU-second of the rendering thread, beside wall-clock speed: on a shared machine the
 * wall-clock rate says how busy the other processes were, the CPU rate what one free core does. Each case warms up
 * for 2 s of the thread's CPU time, then renders new indexes for another 3 s of CPU time (either phase stops after
 * 90 s of wall-clock time).
 *
 * <p>Run: {@code java -cp itests/benchmarks/target/benchmarks.jar dev.stoa.bench.ShapesCpuThroughput}
 */
public final class ShapesCpuThroughput {

    private ShapesCpuThroughput() {}

    public static void main(String[] args) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int size : new int[] {32, 64}) {
            for (ShapesScene scene : ShapesScene.values()) {
                Dataset.Split train =
                        new ShapesDatasetFactory().open(scene.options(size)).split(scene.split());
                int i = 0;
                long warm = mx.getCurrentThreadCpuTime() + 2_000_000_000L;
                for (long end = System.nanoTime() + 90_000_000_000L;
                        mx.getCurrentThreadCpuTime() < warm && System.nanoTime() < end; ) {
                    sink += train.get(i++).image().rgb()[0];
                }
                long cpu0 = mx.getCurrentThreadCpuTime();
                long wall0 = System.nanoTime();
                int n = 0;
                for (long end = wall0 + 90_000_000_000L;
                        mx.getCurrentThreadCpuTime() - cpu0 < 3_000_000_000L && System.nanoTime() < end;
                        n++) {
                    sink += train.get(i++).image().rgb()[0];
                }
                double wall = (System.nanoTime() - wall0) / 1e9;
                double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
                System.out.printf(
                        "%dx%d %-7s %8.0f examples/s wall %8.0f examples per CPU-second (%d examples,"
                                + " %.2f s CPU of %.2f s wall)%n",
                        size, size, scene.label(), n / wall, n / cpu, n, cpu, wall);
            }
        }
        System.out.println(sink == 42 ? "" : "done");
    }
}

package dev.stoa.vectors.cuda.internal;

import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.cublasCreate_v2;
import static org.bytedeco.cuda.global.cublas.cublasDestroy_v2;
import static org.bytedeco.cuda.global.cublas.cublasSgemm_v2;
import static org.bytedeco.cuda.global.cudart.cudaDeviceSynchronize;
import static org.bytedeco.cuda.global.cudart.cudaDriverGetVersion;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceCount;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceProperties;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaMemGetInfo;
import static org.bytedeco.cuda.global.cudart.cudaMemcpy;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaRuntimeGetVersion;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;

import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * One GPU through the JavaCPP CUDA presets (cudart, cuBLAS): opened only after {@link CudaLibraries} found every
 * library by name, so a failure here is CUDA's own (no device, driver too old), and its text is the reason.
 *
 * <p>Only this class, {@link CudaFlatIndex} and {@link DevicePointers} touch {@code org.bytedeco}: the rest of the
 * bundle loads and runs where the JavaCPP jars are absent.
 */
public final class CudaDevice implements AutoCloseable {

    /** Class names of the presets, checked without initialising them (their static blocks load the natives). */
    static final String CUDART_CLASS = "org.bytedeco.cuda.global.cudart";

    static final String CUBLAS_CLASS = "org.bytedeco.cuda.global.cublas";

    /**
     * What the device is.
     *
     * @param index its CUDA index
     * @param name e.g. {@code NVIDIA H100 80GB HBM3}
     * @param totalMemory bytes of device memory
     * @param computeCapability e.g. {@code 9.0}
     * @param driverVersion CUDA's driver version, e.g. {@code 13000}
     * @param runtimeVersion the runtime's version, e.g. {@code 13000}
     * @param libraries the libraries loaded, by file name
     */
    public record Info(
            int index,
            String name,
            long totalMemory,
            String computeCapability,
            int driverVersion,
            int runtimeVersion,
            Map<String, Path> libraries) {}

    private final Info info;
    private final cublasContext blas;
    private boolean closed;

    private CudaDevice(Info info, cublasContext blas) {
        this.info = info;
        this.blas = blas;
    }

    /**
     * Finds the libraries, loads them and the presets, and opens a device.
     *
     * @param libraryPath configured folders, {@code :} or {@code ,} separated; may be empty
     * @param index the device's CUDA index
     * @return the device
     * @throws CudaUnavailable naming the missing file or jar, or CUDA's error
     */
    public static CudaDevice open(String libraryPath, int index) throws CudaUnavailable {
        CudaLibraries.Probe probe = CudaLibraries.probe(libraryPath);
        if (!probe.complete()) {
            throw new CudaUnavailable(probe.reason());
        }
        ClassLoader loader = CudaDevice.class.getClassLoader();
        for (String c : new String[] {CUDART_CLASS, CUBLAS_CLASS, "org.bytedeco.javacpp.Loader"}) {
            try {
                Class.forName(c, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new CudaUnavailable("the JavaCPP CUDA presets are not on the class path (" + c + " missing): put"
                        + " org.bytedeco:cuda:13.3-9.25-1.5.14 and its linux-x86_64 jar, and"
                        + " org.bytedeco:javacpp, in lib/");
            }
        }
        try {
            // the host's libraries by absolute path, global, in dependency order: JavaCPP's JNI libraries then find
            // them by soname wherever they are, without LD_LIBRARY_PATH
            for (Path p : probe.found().values()) {
                Loader.loadGlobal(p.toString());
            }
            Loader.load(org.bytedeco.cuda.global.cudart.class);
            Loader.load(org.bytedeco.cuda.global.cublas.class);
        } catch (Throwable e) {
            throw new CudaUnavailable(
                    "the CUDA libraries found (" + probe.found().values() + ") could not be loaded: " + e, e);
        }
        int[] count = new int[1];
        check(cudaGetDeviceCount(count), "cudaGetDeviceCount");
        if (count[0] == 0) {
            throw new CudaUnavailable("CUDA found no GPU (cudaGetDeviceCount = 0)");
        }
        if (index < 0 || index >= count[0]) {
            throw new CudaUnavailable("'device' is " + index + " but CUDA sees " + count[0]
                    + " GPU(s); set device to 0.." + (count[0] - 1) + " in etc/dev.stoa.vectors.cuda.cfg");
        }
        check(cudaSetDevice(index), "cudaSetDevice(" + index + ")");
        cudaDeviceProp prop = new cudaDeviceProp();
        check(cudaGetDeviceProperties(prop, index), "cudaGetDeviceProperties");
        int[] driver = new int[1];
        int[] runtime = new int[1];
        check(cudaDriverGetVersion(driver), "cudaDriverGetVersion");
        check(cudaRuntimeGetVersion(runtime), "cudaRuntimeGetVersion");
        cublasContext blas = new cublasContext();
        int status = cublasCreate_v2(blas);
        if (status != 0) {
            throw new CudaUnavailable("cublasCreate failed with cuBLAS status " + status);
        }
        Info info = new Info(
                index,
                prop.name().getString().trim(),
                prop.totalGlobalMem(),
                prop.major() + "." + prop.minor(),
                driver[0],
                runtime[0],
                probe.found());
        prop.close();
        return new CudaDevice(info, blas);
    }

    /** @return what the device is */
    public Info info() {
        return info;
    }

    cublasContext blas() {
        return blas;
    }

    /** @return {free, total} bytes of device memory now */
    public long[] memory() throws CudaUnavailable {
        try (SizeTPointer free = new SizeTPointer(1);
                SizeTPointer total = new SizeTPointer(1)) {
            check(cudaMemGetInfo(free, total), "cudaMemGetInfo");
            return new long[] {free.get(), total.get()};
        }
    }

    /**
     * Row-major {@code C = A B} with cuBLAS SGEMM, for checking cuBLAS against a CPU product.
     *
     * @param a {@code m x k}, row-major
     * @param b {@code k x n}, row-major
     * @return {@code m x n}, row-major
     */
    public float[] sgemm(float[] a, float[] b, int m, int n, int k) throws CudaUnavailable {
        long da = DevicePointers.alloc((long) m * k * 4);
        long db = DevicePointers.alloc((long) k * n * 4);
        long dc = DevicePointers.alloc((long) m * n * 4);
        try (FloatPointer ha = new FloatPointer(a);
                FloatPointer hb = new FloatPointer(b);
                FloatPointer hc = new FloatPointer((long) m * n);
                FloatPointer alpha = new FloatPointer(1f);
                FloatPointer beta = new FloatPointer(0f)) {
            check(cudaMemcpy(DevicePointers.at(da), ha, (long) m * k * 4, cudaMemcpyHostToDevice), "cudaMemcpy");
            check(cudaMemcpy(DevicePointers.at(db), hb, (long) k * n * 4, cudaMemcpyHostToDevice), "cudaMemcpy");
            // row-major C (m x n) is column-major C^T (n x m) = B^T A^T: B as column-major (n x k), A as (k x m)
            int s = cublasSgemm_v2(
                    blas,
                    CUBLAS_OP_N,
                    CUBLAS_OP_N,
                    n,
                    m,
                    k,
                    alpha,
                    DevicePointers.floats(db),
                    n,
                    DevicePointers.floats(da),
                    k,
                    beta,
                    DevicePointers.floats(dc),
                    n);
            if (s != 0) {
                throw new CudaUnavailable("cublasSgemm failed with cuBLAS status " + s);
            }
            check(cudaMemcpy(hc, DevicePointers.at(dc), (long) m * n * 4, cudaMemcpyDeviceToHost), "cudaMemcpy");
            float[] c = new float[m * n];
            hc.get(c);
            return c;
        } finally {
            DevicePointers.free(da);
            DevicePointers.free(db);
            DevicePointers.free(dc);
        }
    }

    /** Waits for the device to finish what was queued. */
    public void synchronize() throws CudaUnavailable {
        check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            cublasDestroy_v2(blas);
        }
    }

    /**
     * @param status a CUDA runtime status
     * @param call what returned it
     * @throws CudaUnavailable naming the call and CUDA's error text unless the status is 0
     */
    static void check(int status, String call) throws CudaUnavailable {
        if (status != 0) {
            String text;
            try {
                text = cudaGetErrorString(status).getString();
            } catch (RuntimeException | LinkageError e) {
                text = "error " + status;
            }
            throw new CudaUnavailable(call + " failed: " + text + " (" + status + ")");
        }
    }
}

package dev.stoa.vectors.cuda.internal;

/**
 * Opens the GPU once: first the libraries by file name ({@link CudaLibraries}), then the presets' classes without
 * initialising them, and only then {@link CudaDevice}, so each way of failing has a reason that names what is
 * missing. Without a GPU every {@link #open} throws that reason.
 */
final class CudaIndexFactory implements IndexFactory {

    private final CudaDevice device;
    private final String unavailable;
    private final long chunkBytes;

    CudaIndexFactory(CudaVectorsSettings settings) {
        this(settings, CudaLibraries.probe(settings.libraryPath()));
    }

    /**
     * @param settings the settings
     * @param probe what was found of the libraries; the device is opened only when nothing is missing
     */
    CudaIndexFactory(CudaVectorsSettings settings, CudaLibraries.Probe probe) {
        this.chunkBytes = settings.chunkBytes();
        CudaDevice d = null;
        String why = null;
        if (!probe.complete()) {
            why = probe.reason();
        } else {
            why = missingPresets();
            if (why == null) {
                try {
                    d = CudaDevice.open(settings.libraryPath(), settings.device());
                } catch (CudaUnavailable e) {
                    why = e.getMessage();
                } catch (LinkageError e) {
                    why = "the JavaCPP CUDA presets could not be loaded: " + e;
                }
            }
        }
        this.device = d;
        this.unavailable = why;
    }

    /** @return why the presets cannot be used, or {@code null} when their classes are there */
    static String missingPresets() {
        ClassLoader loader = CudaIndexFactory.class.getClassLoader();
        for (String c :
                new String[] {"org.bytedeco.javacpp.Loader", CudaDevice.CUDART_CLASS, CudaDevice.CUBLAS_CLASS}) {
            try {
                Class.forName(c, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                return "the JavaCPP CUDA presets are not on the class path (" + c + " missing): put"
                        + " org.bytedeco:cuda:13.3-9.25-1.5.14, its linux-x86_64 jar and org.bytedeco:javacpp in lib/";
            }
        }
        return null;
    }

    /** @return why the GPU cannot be used, or {@code null} when it can */
    String unavailable() {
        return unavailable;
    }

    @Override
    public FlatIndex open(int dimension, FlatMetric metric) throws CudaUnavailable {
        if (device == null) {
            throw new CudaUnavailable(unavailable);
        }
        return new CudaFlatIndex(device, dimension, metric, chunkBytes);
    }

    @Override
    public String device() {
        return device == null ? null : device.info().name();
    }

    @Override
    public void close() {
        if (device != null) {
            device.close();
        }
    }
}

package dev.stoa.tensorrt.internal;

import static dev.stoa.tensorrt.internal.JavaCppBackend.cuda;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamCreateWithFlags;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamNonBlocking;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.engine.HostTensor;
import dev.stoa.api.tensor.TensorSignature;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;

/**
 * One execution context with its own CUDA stream and, for every input and output, a device buffer and a pinned host
 * buffer sized to the profile's largest shape (so the batching limit), bound to the context once. A run copies the
 * inputs into the pinned buffers, then host to device, {@code enqueueV3}, device to host, all on the slot's stream,
 * and waits for the stream. Used by one thread at a time ({@link TensorRtSession} lends it).
 */
final class ExecutionSlot implements AutoCloseable {

    /** A tensor's two buffers. */
    private record Buffer(String datatype, int width, long capacity, Pointer device, Pointer host, ByteBuffer view) {}

    private final IExecutionContext context;
    private final CUstream_st stream;
    private final int device;
    private final List<TensorSignature.Tensor> inputs;
    private final List<TensorSignature.Tensor> outputs;
    private final Map<String, Buffer> buffers = new LinkedHashMap<>();
    private final Map<String, Dims64> dims = new LinkedHashMap<>();

    ExecutionSlot(
            ICudaEngine engine,
            int index,
            List<TensorSignature.Tensor> inputs,
            List<TensorSignature.Tensor> outputs,
            Map<String, ProfileShapes.Range> ranges,
            int device) {
        this.inputs = inputs;
        this.outputs = outputs;
        this.device = device;
        cuda(cudaSetDevice(device), "cudaSetDevice(" + device + ")");
        this.context = engine.createExecutionContext();
        if (context == null || context.isNull()) {
            throw new StoaException(
                    FailureCode.UNAVAILABLE,
                    "TensorRT could not create an execution context (device memory?); lower instances in "
                            + LibraryProbe.CONFIG_FILE + " or the batch limit");
        }
        this.stream = new CUstream_st();
        try {
            cuda(cudaStreamCreateWithFlags(stream, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
            // its own profile; an engine with one profile has static shapes (built with one profile per context
            // otherwise) and its contexts may share it
            if (engine.getNbOptimizationProfiles() > 1) {
                if (index >= engine.getNbOptimizationProfiles()) {
                    throw new StoaException(
                            FailureCode.INTERNAL,
                            "the engine has " + engine.getNbOptimizationProfiles() + " optimisation profiles, too few"
                                    + " for execution context " + index + "; delete its file from the engine cache");
                }
                if (!context.setOptimizationProfileAsync(index, stream)) {
                    throw new StoaException(
                            FailureCode.INTERNAL,
                            "TensorRT refused optimisation profile " + index + "; the log says why");
                }
                cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
            }
            // the largest shapes: inputs at the profile's max, outputs as TensorRT infers them from those
            for (TensorSignature.Tensor in : inputs) {
                Dims64 d = JavaCppBackend.dims(ranges.get(in.name()).max());
                dims.put(in.name(), d);
                if (!context.setInputShape(in.name(), d)) {
                    throw new StoaException(
                            FailureCode.INTERNAL,
                            "TensorRT refused input '" + in.name() + "' at its profile's largest shape "
                                    + Arrays.toString(ranges.get(in.name()).max()));
                }
                allocate(in.name(), in.datatype(), ranges.get(in.name()).max());
            }
            for (TensorSignature.Tensor out : outputs) {
                long[] shape = JavaCppBackend.shape(context.getTensorShape(out.name()));
                for (long s : shape) {
                    if (s < 0) {
                        throw StoaException.badInput(
                                "graph",
                                "output '" + out.name() + "' has a data-dependent shape "
                                        + Arrays.toString(shape) + "; TensorRT sessions need outputs whose shape"
                                        + " follows from the inputs' shapes");
                    }
                }
                allocate(out.name(), out.datatype(), shape);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void allocate(String name, String datatype, long[] shape) {
        int width = Types.width(datatype);
        long capacity = width;
        for (long d : shape) {
            capacity = Math.multiplyExact(capacity, d);
        }
        if (capacity > Integer.MAX_VALUE) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "tensor '" + name + "' at its largest shape " + Arrays.toString(shape) + " needs " + capacity
                            + " bytes, over 2 GiB; lower maxBatch or the shapeRanges");
        }
        long bytes = Math.max(capacity, 1);
        Pointer dev = new Pointer();
        cuda(cudaMalloc(dev, bytes), "cudaMalloc(" + bytes + ") for '" + name + "'");
        Pointer host = new Pointer();
        int err = cudaMallocHost(host, bytes);
        if (err != 0) {
            cudaFree(dev);
            cuda(err, "cudaMallocHost(" + bytes + ") for '" + name + "'");
        }
        ByteBuffer view = new BytePointer(host).capacity(bytes).asBuffer().order(ByteOrder.nativeOrder());
        buffers.put(name, new Buffer(datatype, width, capacity, dev, host, view));
        if (!context.setTensorAddress(name, dev)) {
            throw new StoaException(FailureCode.INTERNAL, "TensorRT refused the address of tensor '" + name + "'");
        }
    }

    /** Runs the engine once; the inputs were checked ({@link InputCheck}). */
    Map<String, HostTensor> run(Map<String, HostTensor> given) {
        cuda(cudaSetDevice(device), "cudaSetDevice(" + device + ")");
        for (TensorSignature.Tensor in : inputs) {
            HostTensor t = given.get(in.name());
            Buffer b = buffers.get(in.name());
            ByteBuffer src = t.data();
            int n = src.remaining();
            ByteBuffer dst = b.view().duplicate();
            dst.clear();
            dst.put(src);
            cuda(
                    cudaMemcpyAsync(b.device(), b.host(), n, cudaMemcpyHostToDevice, stream),
                    "cudaMemcpyAsync to '" + in.name() + "'");
            Dims64 d = dims.get(in.name());
            long[] shape = t.shape();
            d.nbDims(shape.length);
            for (int i = 0; i < shape.length; i++) {
                d.d(i, shape[i]);
            }
            if (!context.setInputShape(in.name(), d)) {
                throw new StoaException(
                        FailureCode.SHAPE_MISMATCH,
                        "TensorRT refused input '" + in.name() + "' of shape " + Arrays.toString(shape));
            }
        }
        if (!context.enqueueV3(stream)) {
            cudaStreamSynchronize(stream);
            throw new StoaException(FailureCode.INTERNAL, "TensorRT's enqueueV3 failed; the log says why");
        }
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (TensorSignature.Tensor out : outputs) {
            Buffer b = buffers.get(out.name());
            long[] shape = JavaCppBackend.shape(context.getTensorShape(out.name()));
            long bytes = b.width();
            for (long s : shape) {
                bytes *= s;
            }
            if (bytes > b.capacity()) {
                cudaStreamSynchronize(stream);
                throw new StoaException(
                        FailureCode.INTERNAL,
                        "output '" + out.name() + "' of shape " + Arrays.toString(shape) + " outgrew its buffer ("
                                + b.capacity() + " bytes)");
            }
            shapes.put(out.name(), shape);
            cuda(
                    cudaMemcpyAsync(b.host(), b.device(), bytes, cudaMemcpyDeviceToHost, stream),
                    "cudaMemcpyAsync from '" + out.name() + "'");
        }
        cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
        Map<String, HostTensor> result = new LinkedHashMap<>();
        for (TensorSignature.Tensor out : outputs) {
            Buffer b = buffers.get(out.name());
            long[] shape = shapes.get(out.name());
            long bytes = b.width();
            for (long s : shape) {
                bytes *= s;
            }
            ByteBuffer copy = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
            ByteBuffer src = b.view().duplicate();
            src.clear().limit((int) bytes);
            copy.put(src).flip();
            result.put(out.name(), new HostTensor(b.datatype(), shape, copy));
        }
        return result;
    }

    @Override
    public void close() {
        for (Buffer b : buffers.values()) {
            cudaFree(b.device());
            cudaFreeHost(b.host());
        }
        buffers.clear();
        dims.values().forEach(Pointer::close);
        dims.clear();
        if (stream != null && !stream.isNull()) {
            cudaStreamDestroy(stream);
        }
        JavaCppBackend.close(context);
    }
}

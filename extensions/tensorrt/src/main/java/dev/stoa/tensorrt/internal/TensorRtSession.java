package dev.stoa.tensorrt.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.engine.EngineSession;
import dev.stoa.api.engine.HostTensor;
import dev.stoa.api.tensor.TensorSignature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bytedeco.tensorrt.global.nvinfer.OptProfileSelector;
import org.bytedeco.tensorrt.global.nvinfer.TensorIOMode;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IRuntime;

/**
 * One deserialized engine and a pool of {@link ExecutionSlot}s (an execution context on its own optimisation profile,
 * a CUDA stream and pinned host and device buffers sized to the profile's largest shapes, each): a run borrows a slot,
 * so that up to {@code instances} runs are on the GPU at once, and waits for one otherwise. The engine was built with
 * one identical profile per slot; the ranges are read from profile 0.
 */
final class TensorRtSession implements EngineSession {

    private static final long CLOSE_WAIT_SECONDS = 30;

    private final IRuntime runtime;
    private final ICudaEngine engine;
    private final List<TensorSignature.Tensor> inputs = new ArrayList<>();
    private final List<TensorSignature.Tensor> outputs = new ArrayList<>();
    private final Map<String, ProfileShapes.Range> ranges = new LinkedHashMap<>();
    private final List<ExecutionSlot> slots = new ArrayList<>();
    private final BlockingQueue<ExecutionSlot> idle;
    private volatile boolean closed;

    TensorRtSession(IRuntime runtime, ICudaEngine engine, int instances, int device) {
        this.runtime = runtime;
        this.engine = engine;
        for (int i = 0; i < engine.getNbIOTensors(); i++) {
            String name = engine.getIOTensorName(i);
            String datatype = Types.datatype(engine.getTensorDataType(name));
            long[] shape = JavaCppBackend.shape(engine.getTensorShape(name));
            boolean input = engine.getTensorIOMode(name) == TensorIOMode.kINPUT;
            if (Types.width(datatype) == 0) {
                throw StoaException.badInput(
                        "graph",
                        "its " + (input ? "input" : "output") + " '" + name + "' is " + datatype
                                + "; TensorRT sessions carry FP32, INT64 and INT32 tensors (build in fp16 from an"
                                + " FP32 graph: inputs and outputs stay FP32)");
            }
            TensorSignature.Tensor t = new TensorSignature.Tensor(name, datatype, shape);
            if (input) {
                inputs.add(t);
                ranges.put(name, range(engine, name, shape));
            } else {
                outputs.add(t);
            }
        }
        this.idle = new ArrayBlockingQueue<>(instances);
        try {
            for (int i = 0; i < instances; i++) {
                ExecutionSlot slot = new ExecutionSlot(engine, i, inputs, outputs, ranges, device);
                slots.add(slot);
                idle.add(slot);
            }
        } catch (RuntimeException e) {
            slots.forEach(ExecutionSlot::close);
            throw e;
        }
    }

    private static ProfileShapes.Range range(ICudaEngine engine, String name, long[] shape) {
        boolean dynamic = false;
        for (long d : shape) {
            dynamic |= d < 0;
        }
        if (!dynamic || engine.getNbOptimizationProfiles() == 0) {
            return new ProfileShapes.Range(shape.clone(), shape.clone(), shape.clone());
        }
        return new ProfileShapes.Range(
                JavaCppBackend.shape(engine.getProfileShape(name, 0, OptProfileSelector.kMIN)),
                JavaCppBackend.shape(engine.getProfileShape(name, 0, OptProfileSelector.kOPT)),
                JavaCppBackend.shape(engine.getProfileShape(name, 0, OptProfileSelector.kMAX)));
    }

    @Override
    public String engine() {
        return TensorRtEngine.NAME;
    }

    @Override
    public List<TensorSignature.Tensor> inputs() {
        return List.copyOf(inputs);
    }

    @Override
    public List<TensorSignature.Tensor> outputs() {
        return List.copyOf(outputs);
    }

    /** @return each input's profile range */
    Map<String, ProfileShapes.Range> ranges() {
        return Map.copyOf(ranges);
    }

    @Override
    public Map<String, HostTensor> run(Map<String, HostTensor> given) throws Exception {
        InputCheck.check(inputs, ranges, given);
        if (closed) {
            throw new StoaException(FailureCode.UNAVAILABLE, "this TensorRT session is closed; open the graph again");
        }
        ExecutionSlot slot = idle.take();
        try {
            if (closed) {
                throw new StoaException(
                        FailureCode.UNAVAILABLE, "this TensorRT session is closed; open the graph again");
            }
            return slot.run(given);
        } finally {
            idle.add(slot);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // wait for runs in flight to give their slots back, then free them
        List<ExecutionSlot> back = new ArrayList<>();
        try {
            while (back.size() < slots.size()) {
                ExecutionSlot s = idle.poll(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
                if (s == null) {
                    break; // a run hangs on the GPU: leave its memory rather than free it under it
                }
                back.add(s);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        back.forEach(ExecutionSlot::close);
        if (back.size() == slots.size()) {
            JavaCppBackend.close(engine);
            JavaCppBackend.close(runtime);
        }
    }
}

package dev.stoa.tensorrt.internal;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.tensorrt.global.nvinfer.DataType;
import org.bytedeco.tensorrt.global.nvinfer.LayerType;
import org.bytedeco.tensorrt.nvinfer.ICastLayer;
import org.bytedeco.tensorrt.nvinfer.IConstantLayer;
import org.bytedeco.tensorrt.nvinfer.IFillLayer;
import org.bytedeco.tensorrt.nvinfer.ILayer;
import org.bytedeco.tensorrt.nvinfer.INetworkDefinition;
import org.bytedeco.tensorrt.nvinfer.ITensor;
import org.bytedeco.tensorrt.nvinfer.Weights;

/**
 * Half precision for a parsed FP32 network. TensorRT 11 builds strongly typed networks only and has dropped the FP16
 * builder flag: a tensor's type follows from its inputs. This does in the network what NVIDIA's AutoCast does to an
 * ONNX file, keeping the inputs' and outputs' types:
 *
 * <ul>
 *   <li>every FP32 network input is cast to FP16 right after the input, and its consumers read the cast;
 *   <li>every FP32 constant (the initializers: weights, biases, scales) is converted to FP16;
 *   <li>every cast or fill to FP32 inside the graph (an attention mask made from int64, say) casts or fills to FP16;
 *   <li>every FP32 network output is cast back to FP32 under its own name (the half tensor is renamed
 *       {@code <name>/fp16}).
 * </ul>
 *
 * The FP16 weights must stay allocated until the engine is built: {@link #close()} frees them afterwards.
 */
final class Fp16Network implements AutoCloseable {

    private final List<Pointer> keep = new ArrayList<>();

    private Fp16Network() {}

    /**
     * @param network a parsed network, rewritten in place
     * @return the weights to free once the engine is built
     */
    static Fp16Network rewrite(INetworkDefinition network) {
        Fp16Network rewrite = new Fp16Network();
        // the outputs' original types, before anything changes
        List<ITensor> floatOutputs = new ArrayList<>();
        for (int i = 0; i < network.getNbOutputs(); i++) {
            ITensor out = network.getOutput(i);
            if (out.getType() == DataType.kFLOAT) {
                floatOutputs.add(out);
            }
        }
        int layers = network.getNbLayers();
        for (int i = 0; i < layers; i++) {
            ILayer layer = network.getLayer(i);
            LayerType type = layer.getType();
            if (type == LayerType.kCONSTANT) {
                rewrite.halve(new IConstantLayer(layer));
            } else if (type == LayerType.kCAST) {
                ICastLayer cast = new ICastLayer(layer);
                if (cast.getToType() == DataType.kFLOAT) {
                    cast.setToType(DataType.kHALF);
                }
            } else if (type == LayerType.kFILL) {
                IFillLayer fill = new IFillLayer(layer);
                if (fill.getToType() == DataType.kFLOAT) {
                    fill.setToType(DataType.kHALF);
                }
            }
        }
        for (int i = 0; i < network.getNbInputs(); i++) {
            ITensor in = network.getInput(i);
            if (in.getType() != DataType.kFLOAT) {
                continue;
            }
            // find the consumers before the cast exists, so that the cast itself is not rewired
            List<int[]> uses = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                ILayer layer = network.getLayer(l);
                for (int k = 0; k < layer.getNbInputs(); k++) {
                    ITensor t = layer.getInput(k);
                    if (t != null && t.address() == in.address()) {
                        uses.add(new int[] {l, k});
                    }
                }
            }
            ITensor half = network.addCast(in, DataType.kHALF).getOutput(0);
            half.setName(in.getName() + "/fp16");
            for (int[] use : uses) {
                network.getLayer(use[0]).setInput(use[1], half);
            }
        }
        for (ITensor out : floatOutputs) {
            String name = out.getName();
            ITensor back = network.addCast(out, DataType.kFLOAT).getOutput(0);
            network.unmarkOutput(out);
            out.setName(name + "/fp16");
            back.setName(name);
            network.markOutput(back);
        }
        return rewrite;
    }

    private void halve(IConstantLayer constant) {
        Weights w = constant.getWeights();
        if (w.type() != DataType.kFLOAT || w.count() == 0) {
            return;
        }
        long count = w.count();
        FloatPointer src = new FloatPointer(w.values()).capacity(count);
        ShortPointer dst = new ShortPointer(count);
        for (long j = 0; j < count; j++) {
            dst.put(j, Half.fromFloat(src.get(j)));
        }
        Weights half = new Weights();
        half.type(DataType.kHALF).values(dst).count(count);
        constant.setWeights(half);
        keep.add(dst);
        keep.add(half);
    }

    @Override
    public void close() {
        keep.forEach(Pointer::close);
        keep.clear();
    }
}

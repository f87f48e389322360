package dev.stoa.tensorrt.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.engine.HostTensor;
import dev.stoa.api.tensor.TensorSignature;
import java.util.List;
import java.util.Map;

/** Checks a call's inputs against an engine's inputs and profile before anything is copied to the GPU. */
final class InputCheck {

    private InputCheck() {}

    /**
     * @param declared the engine's inputs
     * @param ranges each input's profile range
     * @param given the call's inputs by name
     * @throws StoaException {@link FailureCode#BAD_INPUT} for a missing, unknown or mistyped input,
     *     {@link FailureCode#SHAPE_MISMATCH} for a shape outside the profile; each names the input
     */
    static void check(
            List<TensorSignature.Tensor> declared,
            Map<String, ProfileShapes.Range> ranges,
            Map<String, HostTensor> given) {
        List<String> names = declared.stream().map(TensorSignature.Tensor::name).toList();
        for (String name : given.keySet()) {
            if (!names.contains(name)) {
                throw StoaException.badInput(name, "the graph has no such input; its inputs are " + names);
            }
        }
        long rows = -1;
        String first = null;
        for (TensorSignature.Tensor input : declared) {
            HostTensor t = given.get(input.name());
            if (t == null) {
                throw StoaException.badInput(
                        input.name(), "missing; the graph needs " + input.format() + " (all of " + names + ")");
            }
            if (!input.datatype().equals(t.datatype())) {
                throw StoaException.badInput(
                        input.name(), "is " + t.datatype() + ", the graph takes " + input.datatype());
            }
            long[] shape = t.shape();
            ProfileShapes.check(input.name(), shape, ranges.get(input.name()));
            if (shape.length > 0 && input.shape().length > 0 && input.shape()[0] < 0) {
                if (rows >= 0 && shape[0] != rows) {
                    throw new StoaException(
                            FailureCode.SHAPE_MISMATCH,
                            "input '" + input.name() + "' has " + shape[0] + " rows but '" + first + "' has " + rows
                                    + "; send the same batch size for every input");
                }
                rows = shape[0];
                first = input.name();
            }
        }
    }
}

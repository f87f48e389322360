package dev.stoa.protocol.v2.internal;

import com.google.protobuf.ByteString;
import dev.stoa.api.StoaException;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.InferTensorContents;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ModelInferRequest;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ModelInferResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Tensors between the gRPC messages of {@code grpc_predict_v2.proto} and {@link InferTensor}: an input from its
 * {@code raw_input_contents} entry (the binary form, as the REST binary extension has it) or from the typed
 * {@code contents} field of its datatype ({@code int_contents} for {@code INT8..32}, {@code uint_contents} for
 * {@code UINT8..32}, ...; {@code FP16} only raw); outputs written back raw when the request came raw (or an output is
 * {@code FP16}), else typed.
 */
final class GrpcTensors {

    private GrpcTensors() {}

    /** @return the request's inputs */
    static List<InferTensor> inputs(ModelInferRequest request) {
        List<InferTensor> out = new ArrayList<>();
        boolean raw = request.getRawInputContentsCount() > 0;
        if (raw && request.getRawInputContentsCount() != request.getInputsCount()) {
            throw StoaException.badInput(
                    "raw_input_contents",
                    "has " + request.getRawInputContentsCount() + " entries for " + request.getInputsCount()
                            + " inputs; give one per input, in the order of inputs");
        }
        for (int i = 0; i < request.getInputsCount(); i++) {
            ModelInferRequest.InferInputTensor input = request.getInputs(i);
            String field = "inputs[" + i + "]";
            if (input.getName().isEmpty()) {
                throw StoaException.badInput(field + ".name", "is missing; name the tensor");
            }
            DataType datatype = DataType.parse(input.getDatatype(), field + ".datatype");
            long[] shape =
                    input.getShapeList().stream().mapToLong(Long::longValue).toArray();
            for (int d = 0; d < shape.length; d++) {
                if (shape[d] < 0) {
                    throw StoaException.badInput(field + ".shape[" + d + "]", "is " + shape[d] + "; give a size >= 0");
                }
            }
            if (raw) {
                if (input.hasContents()) {
                    throw StoaException.badInput(
                            field + ".contents", "is set while raw_input_contents carries the data; use one of them");
                }
                ByteBuffer bytes = request.getRawInputContents(i).asReadOnlyByteBuffer();
                out.add(InferTensor.fromBinary(
                        input.getName(), datatype, shape, bytes, "raw_input_contents[" + i + "]"));
            } else {
                out.add(typed(input.getName(), datatype, shape, input.getContents(), field));
            }
        }
        return out;
    }

    private static InferTensor typed(
            String name, DataType datatype, long[] shape, InferTensorContents c, String field) {
        long n = InferTensor.elements(shape, field + ".shape");
        String contents = field + ".contents";
        Object data = switch (datatype) {
            case BOOL -> {
                count(c.getBoolContentsCount(), n, contents + ".bool_contents");
                boolean[] v = new boolean[(int) n];
                for (int i = 0; i < n; i++) {
                    v[i] = c.getBoolContents(i);
                }
                yield v;
            }
            case INT8, INT16, INT32 -> {
                count(c.getIntContentsCount(), n, contents + ".int_contents");
                long[] v = new long[(int) n];
                for (int i = 0; i < n; i++) {
                    v[i] = datatype.wholeNumber(c.getIntContents(i), contents + ".int_contents[" + i + "]");
                }
                yield v;
            }
            case INT64 -> {
                count(c.getInt64ContentsCount(), n, contents + ".int64_contents");
                yield c.getInt64ContentsList().stream()
                        .mapToLong(Long::longValue)
                        .toArray();
            }
            case UINT8, UINT16, UINT32 -> {
                count(c.getUintContentsCount(), n, contents + ".uint_contents");
                long[] v = new long[(int) n];
                for (int i = 0; i < n; i++) {
                    v[i] = datatype.wholeNumber(
                            Integer.toUnsignedLong(c.getUintContents(i)), contents + ".uint_contents[" + i + "]");
                }
                yield v;
            }
            case UINT64 -> {
                count(c.getUint64ContentsCount(), n, contents + ".uint64_contents");
                yield c.getUint64ContentsList().stream()
                        .mapToLong(Long::longValue)
                        .toArray();
            }
            case FP32 -> {
                count(c.getFp32ContentsCount(), n, contents + ".fp32_contents");
                float[] v = new float[(int) n];
                for (int i = 0; i < n; i++) {
                    v[i] = c.getFp32Contents(i);
                }
                yield v;
            }
            case FP64 -> {
                count(c.getFp64ContentsCount(), n, contents + ".fp64_contents");
                yield c.getFp64ContentsList().stream()
                        .mapToDouble(Double::doubleValue)
                        .toArray();
            }
            case BYTES -> {
                count(c.getBytesContentsCount(), n, contents + ".bytes_contents");
                yield c.getBytesContentsList().stream()
                        .map(ByteString::toByteArray)
                        .toArray(byte[][]::new);
            }
            case FP16 ->
                throw StoaException.badInput(
                        contents,
                        "cannot carry FP16 (the protocol has no 16-bit field); send it in raw_input_contents");
        };
        return new InferTensor(name, datatype, shape, data);
    }

    private static void count(int given, long expected, String field) {
        if (given != expected) {
            throw StoaException.badInput(field, "has " + given + " elements but the shape needs " + expected);
        }
    }

    /**
     * Writes the outputs into a response.
     *
     * @param response the response being built
     * @param outputs the outputs
     * @param raw whether to send them as {@code raw_output_contents}; FP16 outputs force it
     */
    static void outputs(ModelInferResponse.Builder response, List<InferTensor> outputs, boolean raw) {
        boolean allRaw = raw || outputs.stream().anyMatch(t -> t.datatype() == DataType.FP16);
        for (InferTensor t : outputs) {
            ModelInferResponse.InferOutputTensor.Builder out = ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(t.name())
                    .setDatatype(t.datatype().name());
            for (long d : t.shape()) {
                out.addShape(d);
            }
            if (allRaw) {
                response.addRawOutputContents(ByteString.copyFrom(t.toBinary()));
            } else {
                out.setContents(contents(t));
            }
            response.addOutputs(out);
        }
    }

    /** @return a tensor's elements in the typed field of its datatype (not FP16) */
    static InferTensorContents contents(InferTensor t) {
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        Object data = t.data();
        switch (t.datatype()) {
            case BOOL -> {
                for (boolean v : (boolean[]) data) c.addBoolContents(v);
            }
            case INT8, INT16, INT32 -> {
                for (long v : (long[]) data) c.addIntContents((int) v);
            }
            case INT64 -> {
                for (long v : (long[]) data) c.addInt64Contents(v);
            }
            case UINT8, UINT16, UINT32 -> {
                for (long v : (long[]) data) c.addUintContents((int) v);
            }
            case UINT64 -> {
                for (long v : (long[]) data) c.addUint64Contents(v);
            }
            case FP32 -> {
                for (float v : (float[]) data) c.addFp32Contents(v);
            }
            case FP64 -> {
                for (double v : (double[]) data) c.addFp64Contents(v);
            }
            case BYTES -> {
                for (byte[] v : (byte[][]) data) c.addBytesContents(ByteString.copyFrom(v));
            }
            case FP16 -> throw new IllegalArgumentException("FP16 goes raw");
        }
        return c.build();
    }
}

package dev.stoa.protocol.v2.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.InferTensorContents;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ModelInferRequest;
import dev.stoa.protocol.v2.internal.grpc.GrpcPredictV2.ModelInferResponse;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrpcTensorsTest {

    private static ModelInferRequest.InferInputTensor.Builder input(String name, String datatype, long... shape) {
        ModelInferRequest.InferInputTensor.Builder b =
                ModelInferRequest.InferInputTensor.newBuilder().setName(name).setDatatype(datatype);
        for (long d : shape) {
            b.addShape(d);
        }
        return b;
    }

    private static StoaException refused(Runnable r) {
        try {
            r.run();
        } catch (StoaException e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    @Test
    void typedContentsOfEveryFieldAreRead() {
        ModelInferRequest request = ModelInferRequest.newBuilder()
                .addInputs(input("b", "BOOL", 2)
                        .setContents(InferTensorContents.newBuilder()
                                .addBoolContents(true)
                                .addBoolContents(false)))
                .addInputs(input("i8", "INT8", 2)
                        .setContents(InferTensorContents.newBuilder()
                                .addIntContents(-128)
                                .addIntContents(127)))
                .addInputs(input("i64", "INT64", 1)
                        .setContents(InferTensorContents.newBuilder().addInt64Contents(Long.MIN_VALUE)))
                .addInputs(input("u32", "UINT32", 1)
                        .setContents(InferTensorContents.newBuilder().addUintContents(-1))) // 2^32 - 1 on the wire
                .addInputs(input("u64", "UINT64", 1)
                        .setContents(InferTensorContents.newBuilder().addUint64Contents(-1L)))
                .addInputs(input("f", "FP32", 1, 2)
                        .setContents(InferTensorContents.newBuilder()
                                .addFp32Contents(0.5f)
                                .addFp32Contents(2f)))
                .addInputs(input("d", "FP64", 1)
                        .setContents(InferTensorContents.newBuilder().addFp64Contents(0.1)))
                .addInputs(input("s", "BYTES", 1)
                        .setContents(InferTensorContents.newBuilder().addBytesContents(ByteString.copyFromUtf8("hi"))))
                .build();
        List<InferTensor> t = GrpcTensors.inputs(request);
        assertThat((boolean[]) t.get(0).data()).containsExactly(true, false);
        assertThat((long[]) t.get(1).data()).containsExactly(-128, 127);
        assertThat((long[]) t.get(2).data()).containsExactly(Long.MIN_VALUE);
        assertThat((long[]) t.get(3).data()).containsExactly(4294967295L);
        assertThat(t.get(4).dataJson().getValue(0).toString()).isEqualTo("18446744073709551615");
        assertThat((float[]) t.get(5).data()).containsExactly(0.5f, 2f);
        assertThat(t.get(5).shape()).containsExactly(1, 2);
        assertThat((double[]) t.get(6).data()).containsExactly(0.1);
        assertThat(new String(((byte[][]) t.get(7).data())[0])).isEqualTo("hi");

        // and written back, each to the same field
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder();
        GrpcTensors.outputs(response, t, false);
        assertThat(response.getRawOutputContentsCount()).isZero();
        assertThat(response.getOutputs(1).getContents().getIntContentsList()).containsExactly(-128, 127);
        assertThat(response.getOutputs(3).getContents().getUintContentsList()).containsExactly(-1);
        assertThat(response.getOutputs(5).getContents().getFp32ContentsList()).containsExactly(0.5f, 2f);
        assertThat(response.getOutputs(5).getShapeList()).containsExactly(1L, 2L);
    }

    @Test
    void rawContentsAreTheBinaryForm() {
        byte[] raw = InferTensorTest.bytes("00 3c 00 c0"); // FP16 1.0, -2.0
        ModelInferRequest request = ModelInferRequest.newBuilder()
                .addInputs(input("h", "FP16", 2))
                .addRawInputContents(ByteString.copyFrom(raw))
                .build();
        InferTensor t = GrpcTensors.inputs(request).get(0);
        assertThat((float[]) t.data()).containsExactly(1f, -2f);
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder();
        GrpcTensors.outputs(response, List.of(t), false); // FP16 forces raw
        assertThat(response.getRawOutputContents(0).toByteArray()).containsExactly(raw);
        assertThat(response.getOutputs(0).hasContents()).isFalse();
    }

    @Test
    void mistakesAreInvalidArgumentNamingTheField() {
        StoaException range = refused(() -> GrpcTensors.inputs(ModelInferRequest.newBuilder()
                .addInputs(input("i8", "INT8", 1)
                        .setContents(InferTensorContents.newBuilder().addIntContents(300)))
                .build()));
        assertThat(range.getMessage()).contains("'inputs[0].contents.int_contents[0]'");
        assertThat(GrpcInferenceService.status(range).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

        StoaException count = refused(() -> GrpcTensors.inputs(ModelInferRequest.newBuilder()
                .addInputs(input("f", "FP32", 3)
                        .setContents(InferTensorContents.newBuilder().addFp32Contents(1)))
                .build()));
        assertThat(count.getMessage())
                .contains("'inputs[0].contents.fp32_contents'")
                .contains("needs 3");

        StoaException half = refused(() -> GrpcTensors.inputs(ModelInferRequest.newBuilder()
                .addInputs(input("h", "FP16", 1).setContents(InferTensorContents.newBuilder()))
                .build()));
        assertThat(half.getMessage()).contains("raw_input_contents");

        StoaException rawCount = refused(() -> GrpcTensors.inputs(ModelInferRequest.newBuilder()
                .addInputs(input("a", "FP32", 1))
                .addInputs(input("b", "FP32", 1))
                .addRawInputContents(ByteString.copyFrom(new byte[4]))
                .build()));
        assertThat(rawCount.getMessage()).contains("'raw_input_contents'").contains("1 entries for 2 inputs");

        StoaException type = refused(() -> GrpcTensors.inputs(ModelInferRequest.newBuilder()
                .addInputs(input("a", "float32", 1))
                .build()));
        assertThat(type.getMessage()).contains("'inputs[0].datatype'");
    }

    @Test
    void everyFailureCodeMapsToAStatusAndBadInputIsNeverInternal() {
        for (FailureCode code : FailureCode.values()) {
            Status s = GrpcInferenceService.status(new StoaException(code, "m"));
            assertThat(s.getDescription()).isEqualTo(code.name() + ": m");
            if (GrpcInferenceService.clientFault(code)) {
                assertThat(s.getCode()).as(code.name()).isNotEqualTo(Status.Code.INTERNAL);
            }
        }
        assertThat(GrpcInferenceService.status(new StoaException(FailureCode.UNKNOWN_SERVICE, "m"))
                        .getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
    }
}

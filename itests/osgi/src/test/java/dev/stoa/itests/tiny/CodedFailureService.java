package dev.stoa.itests.tiny;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.data.Text;

/**
 * Test service packed into a throwaway bundle: fails with the {@link FailureCode} its input names ({@code "TIMEOUT"}
 * throws {@code StoaException(TIMEOUT, ...)}), and echoes any other text.
 */
public final class CodedFailureService implements StoaService<Text, Text> {

    @Override
    public Class<Text> inputType() {
        return Text.class;
    }

    @Override
    public Class<Text> outputType() {
        return Text.class;
    }

    @Override
    public Text call(Text input) {
        for (FailureCode code : FailureCode.values()) {
            if (code.name().equals(input.value())) {
                throw new StoaException(code, "failing with " + code + " as asked");
            }
        }
        return input;
    }
}

package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class FrameSizeLimitTest {

    private static Buffer frame(int length) {
        return Buffer.buffer().appendInt(length).appendBytes(new byte[length]);
    }

    @Test
    void framesWithinTheLimitPassWhateverTheChunking() {
        FrameSizeLimit limit = new FrameSizeLimit(100);
        Buffer stream = frame(100).appendBuffer(frame(0)).appendBuffer(frame(37));
        // one byte at a time: prefixes and bodies split everywhere
        for (int i = 0; i < stream.length(); i++) {
            assertThat(limit.accept(stream.slice(i, i + 1))).as("byte %d", i).isTrue();
        }
        FrameSizeLimit whole = new FrameSizeLimit(100);
        assertThat(whole.accept(stream)).isTrue();
        assertThat(whole.refusedLength()).isEqualTo(-1);
    }

    @Test
    void aOneGibPrefixIsRefusedFromItsFourBytesAlone() {
        FrameSizeLimit limit = new FrameSizeLimit(4 * 1024 * 1024);
        assertThat(limit.accept(Buffer.buffer().appendInt(1 << 30))).isFalse();
        assertThat(limit.refusedLength()).isEqualTo(1L << 30);
        // and stays refused
        assertThat(limit.accept(frame(1))).isFalse();
    }

    @Test
    void theFirstFrameOverTheLimitIsFoundAfterGoodOnesAndAcrossChunks() {
        FrameSizeLimit limit = new FrameSizeLimit(10);
        Buffer stream = frame(10).appendBuffer(frame(3)).appendInt(11);
        assertThat(limit.accept(stream.slice(0, stream.length() - 2))).isTrue();
        assertThat(limit.accept(stream.slice(stream.length() - 2, stream.length())))
                .isFalse();
        assertThat(limit.refusedLength()).isEqualTo(11);
    }

    @Test
    void aNegativeLengthIsRefused() {
        FrameSizeLimit limit = new FrameSizeLimit(10);
        assertThat(limit.accept(Buffer.buffer().appendInt(-1))).isFalse();
        assertThat(limit.refusedLength()).isEqualTo(0xffffffffL);
    }
}

package dev.stoa.gateway.internal;

import io.vertx.core.buffer.Buffer;

/**
 * Follows the frames of one bridge connection (a 4-byte big-endian length, then that many bytes) as its bytes
 * stream in, without holding any of them, and tells when a frame declares a length over the limit: the connection
 * is then closed before the bridge's own parser (which trusts the length and buffers until it has that many bytes)
 * sees the frame. A negative length (the parser reads a signed int) is refused as well.
 */
final class FrameSizeLimit {

    private final int maxFrameBytes;
    /** Bytes of the current length prefix read so far (0 to 3), and their value. */
    private int prefixBytes;

    private int prefix;
    /** Bytes of the current frame's body still to come. */
    private long bodyLeft;
    /** The length that broke the limit, once one did. */
    private long refused = -1;

    FrameSizeLimit(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * @param chunk the next bytes read from the connection
     * @return true when every frame begun so far is within the limit; false from the first one that is not on
     */
    boolean accept(Buffer chunk) {
        if (refused >= 0) {
            return false;
        }
        int length = chunk.length();
        int i = 0;
        while (i < length) {
            if (bodyLeft > 0) {
                int skip = (int) Math.min(bodyLeft, length - i);
                i += skip;
                bodyLeft -= skip;
                continue;
            }
            prefix = (prefix << 8) | (chunk.getByte(i++) & 0xff);
            if (++prefixBytes == 4) {
                long declared = prefix; // signed, as the bridge's parser reads it
                prefixBytes = 0;
                prefix = 0;
                if (declared < 0 || declared > maxFrameBytes) {
                    refused = declared < 0 ? declared & 0xffffffffL : declared;
                    return false;
                }
                bodyLeft = declared;
            }
        }
        return true;
    }

    /** @return the declared length that was refused (read as unsigned), or -1 while none was */
    long refusedLength() {
        return refused;
    }
}

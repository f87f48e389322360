package dev.stoa.itests;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/** The TCP bridge's framing, as a client in another language writes it: a 4-byte big-endian length, then JSON. */
final class BridgeFrames {

    private BridgeFrames() {}

    static void write(DataOutputStream out, JsonObject frame) throws IOException {
        byte[] bytes = frame.encode().getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    static JsonObject read(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    }

    /** @return whether the server closed the connection (end of stream or reset) with nothing to read */
    static boolean closed(InputStream in) throws IOException {
        try {
            return in.read() == -1;
        } catch (EOFException | SocketException e) {
            return true;
        }
    }
}

package dev.stoa.itests;

import static org.junit.Assert.assertEquals;

import dev.stoa.api.runtime.ServiceDirectory;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Hashtable;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A non-JVM client's view: plain TCP frames (4-byte length + JSON) to the bridge. A permitted address answers; any
 * other is refused with access_denied, and with nothing permitted the bridge does not listen at all.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BridgeIT extends StoaTestSupport {

    @Override
    protected void buildBundles(Path dir) throws IOException {
        TestBundles.echo(dir, "open", "1.0.0");
        TestBundles.echo(dir, "secret", "1.0.0");
    }

    @Test
    public void permittedAddressesAnswerAndOthersAreDenied() throws Exception {
        ServiceDirectory directory = service(ServiceDirectory.class);
        deploy(builtBundles().resolve("open-1.0.0.jar"), "open.jar");
        deploy(builtBundles().resolve("secret-1.0.0.jar"), "secret.jar");
        await(
                "both services up",
                () -> directory.services().stream()
                                .filter(s -> (s.id().equals("open") || s.id().equals("secret"))
                                        && s.state().equals("available"))
                                .count()
                        == 2);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            throw new AssertionError("nothing should listen on " + port + " before the bridge is configured");
        } catch (IOException expected) {
            // deny by default: no permitted address, no listener
        }

        Configuration c = service(ConfigurationAdmin.class).getConfiguration("dev.stoa.bridge", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("permitted", new String[] {"stoa\\.service\\.open"});
        props.put("port", port);
        c.update(props);
        int bridgePort = port;
        await("bridge listening", () -> {
            try (Socket s = new Socket("127.0.0.1", bridgePort)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });

        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());

            write(
                    out,
                    new JsonObject()
                            .put("type", "send")
                            .put("address", "stoa.service.open")
                            .put("replyAddress", "r-1")
                            .put("body", new JsonObject().put("text", "over tcp")));
            JsonObject reply = read(in);
            assertEquals(reply.encode(), "message", reply.getString("type"));
            assertEquals("r-1", reply.getString("address"));
            assertEquals("1.0.0:over tcp", reply.getJsonObject("body").getString("text"));

            write(
                    out,
                    new JsonObject()
                            .put("type", "send")
                            .put("address", "stoa.service.secret")
                            .put("replyAddress", "r-2")
                            .put("body", new JsonObject().put("text", "let me in")));
            JsonObject denied = read(in);
            assertEquals(denied.encode(), "err", denied.getString("type"));
            assertEquals("access_denied", denied.getString("message"));
        }
    }

    private static void write(DataOutputStream out, JsonObject frame) throws IOException {
        byte[] bytes = frame.encode().getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    private static JsonObject read(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    }
}

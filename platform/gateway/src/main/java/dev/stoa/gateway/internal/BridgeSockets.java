package dev.stoa.gateway.internal;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a {@link FrameSizeLimit} in front of the TCP event-bus bridge's frame parser. Vert.x's bridge reads a frame's
 * 4-byte length and buffers until that many bytes have come, with no bound and no hook before it: a client that
 * declares 1 GiB gets 1 GiB buffered. The bridge takes its server from the {@link Vertx} it is given
 * ({@code createNetServer(options)}, then {@code connectHandler}); this hands it a {@link Vertx} whose net server
 * passes each connection on as a socket whose data handler sees every chunk first. Chunks are passed through as
 * they come; at the first frame over the limit the client gets {@code {"type": "err", "message":
 * "frame_too_large"}} and the connection is closed, and that chunk and anything after it never reach the bridge.
 *
 * <p>Java proxies of Vert.x's public interfaces, and nothing else: only the three methods named are changed, every
 * other call goes to the real object (fluent calls return the proxy).
 */
final class BridgeSockets {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeSockets.class);

    private BridgeSockets() {}

    /**
     * @param vertx the platform's Vert.x
     * @param maxFrameBytes the largest frame (JSON, without its length prefix) a client may send
     * @return the Vert.x to create the bridge with
     */
    static Vertx limitingFrames(Vertx vertx, int maxFrameBytes) {
        return proxy(Vertx.class, vertx, (method, args) -> {
            if (method.getName().equals("createNetServer")
                    && args != null
                    && args.length == 1
                    && args[0] instanceof NetServerOptions) {
                NetServer server = vertx.createNetServer((NetServerOptions) args[0]);
                return limitingServer(server, maxFrameBytes);
            }
            return NOT_HANDLED;
        });
    }

    private static NetServer limitingServer(NetServer server, int maxFrameBytes) {
        NetServer[] self = new NetServer[1];
        self[0] = proxy(NetServer.class, server, (method, args) -> {
            if (method.getName().equals("connectHandler") && args != null && args.length == 1) {
                @SuppressWarnings("unchecked")
                Handler<NetSocket> bridge = (Handler<NetSocket>) args[0];
                server.connectHandler(
                        bridge == null ? null : socket -> bridge.handle(limitingSocket(socket, maxFrameBytes)));
                return self[0];
            }
            return NOT_HANDLED;
        });
        return self[0];
    }

    /** @return the socket as the bridge sees it: its data handler is given only chunks of frames within the limit */
    static NetSocket limitingSocket(NetSocket socket, int maxFrameBytes) {
        FrameSizeLimit limit = new FrameSizeLimit(maxFrameBytes);
        // chunks arrive on the socket's event loop, one at a time: a plain flag will do
        boolean[] refused = new boolean[1];
        NetSocket[] self = new NetSocket[1];
        self[0] = proxy(NetSocket.class, socket, (method, args) -> {
            if (method.getName().equals("handler") && args != null && args.length == 1) {
                @SuppressWarnings("unchecked")
                Handler<Buffer> parser = (Handler<Buffer>) args[0];
                socket.handler(
                        parser == null
                                ? null
                                : chunk -> {
                                    if (limit.accept(chunk)) {
                                        parser.handle(chunk);
                                    } else {
                                        refuse(socket, limit, maxFrameBytes);
                                    }
                                });
                return self[0];
            }
            return NOT_HANDLED;
        });
        return self[0];
    }

    private static void refuse(NetSocket socket, FrameSizeLimit limit, int maxFrameBytes) {
        socket.pause();
        LOG.warn(
                "TCP bridge: {} declared a frame of {} bytes, over maxFrameBytes={} of etc/dev.stoa.bridge.cfg;"
                        + " connection closed",
                socket.remoteAddress(),
                limit.refusedLength(),
                maxFrameBytes);
        byte[] json = new JsonObject()
                .put("type", "err")
                .put("message", "frame_too_large")
                .put(
                        "detail",
                        "a frame declared " + limit.refusedLength() + " bytes, over the bridge's limit of "
                                + maxFrameBytes
                                + "; send smaller frames, or raise maxFrameBytes in etc/dev.stoa.bridge.cfg")
                .encode()
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        socket.write(Buffer.buffer(4 + json.length).appendInt(json.length).appendBytes(json))
                .onComplete(done -> socket.close());
    }

    private static final Object NOT_HANDLED = new Object();

    /** A call the proxy changes: returns its result, or {@link #NOT_HANDLED} to pass the call on. */
    private interface Interception {
        Object call(Method method, Object[] args) throws Exception;
    }

    private static <T> T proxy(Class<T> type, T target, Interception override) {
        Object[] self = new Object[1];
        InvocationHandler handler = (p, method, args) -> {
            Object result = override.call(method, args);
            if (result != NOT_HANDLED) {
                return result;
            }
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return result == target ? self[0] : result;
        };
        // the interface's own loader (in OSGi, the Vert.x bundle's) sees every type its methods name; this bundle's
        // loader sees only the packages it imports
        self[0] = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
        return type.cast(self[0]);
    }
}

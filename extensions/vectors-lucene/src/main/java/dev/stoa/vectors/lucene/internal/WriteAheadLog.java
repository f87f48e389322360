package dev.stoa.vectors.lucene.internal;

import dev.stoa.api.vector.VectorDocument;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * A collection's write-ahead log, {@code wal.log} beside its Lucene files: every upsert and delete is appended here
 * and fsync'd before it is acknowledged, and the log is replayed into the index when the collection opens, so an
 * acknowledged write survives kill -9 or a power cut although Lucene commits only every few seconds. Once Lucene has
 * committed, the log is emptied.
 *
 * <p>Group sync: appending is cheap (the page cache); {@link #awaitDurable} fsyncs, and writes appended while an
 * fsync runs are made durable together by the next one, so under concurrent writers one fsync serves many.
 *
 * <p>Format: records of {@code [int length][int CRC-32 of the payload][payload]}; a payload is an operation byte
 * ({@code 1} upsert of documents, {@code 2} delete by id, {@code 3} delete by metadata filter) and its data. A torn
 * tail (a record cut short, or whose CRC does not match: its write was never acknowledged) ends the replay.
 *
 * <p>Replaying is safe when part of the log is already in the last commit (a crash between the commit and emptying
 * the log): operations are replayed in their order, an upsert replaces by id, and a delete removes what matches at
 * that point, so the index ends as the log's last operations left it.
 */
final class WriteAheadLog implements AutoCloseable {

    static final String FILE = "wal.log";

    private static final byte UPSERT = 1;
    private static final byte DELETE_ID = 2;
    private static final byte DELETE_FILTER = 3;

    /** One logged operation, as replayed. */
    sealed interface Operation permits Upsert, DeleteId, DeleteFilter {}

    record Upsert(List<VectorDocument> documents) implements Operation {}

    record DeleteId(String id) implements Operation {}

    record DeleteFilter(Map<String, String> filter) implements Operation {}

    private final Path file;
    private final FileChannel channel;
    /** Bytes appended since the log was opened, never reset (truncation included): a write's position. */
    private long appended;
    /** Guards fsyncs and {@link #synced}. */
    private final Object syncLock = new Object();
    /** Everything appended up to here is on disk; guarded by {@link #syncLock}. */
    private long synced;

    private final AtomicLong syncs = new AtomicLong();

    private WriteAheadLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens (creating) the log in the collection's folder; read it first with {@link #read}. */
    static WriteAheadLog open(Path folder) throws IOException {
        Path file = folder.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        channel.position(channel.size());
        return new WriteAheadLog(file, channel);
    }

    /**
     * @param folder the collection's folder
     * @return the operations the log holds, in order, up to its end or to a torn record
     */
    static List<Operation> read(Path folder) throws IOException {
        Path file = folder.resolve(FILE);
        List<Operation> operations = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return operations;
        }
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw))) {
            while (true) {
                int length;
                int crc;
                byte[] payload;
                try {
                    length = in.readInt();
                    crc = in.readInt();
                    if (length <= 0 || length > 512 * 1024 * 1024) {
                        break; // garbage where a record should start: a torn tail
                    }
                    payload = in.readNBytes(length);
                } catch (EOFException end) {
                    break;
                }
                if (payload.length < length || crc32(payload) != crc) {
                    break; // cut short or damaged: never acknowledged
                }
                operations.add(decode(payload));
            }
        }
        return operations;
    }

    /**
     * Appends an operation (not yet durable: see {@link #awaitDurable}). Callers serialise appends with the changes
     * they make to the index, so the log's order is the index's.
     *
     * @return the position to pass to {@link #awaitDurable}
     */
    synchronized long append(Operation operation) throws IOException {
        byte[] payload = encode(operation);
        ByteBuffer record = ByteBuffer.allocate(8 + payload.length);
        record.putInt(payload.length).putInt(crc32(payload)).put(payload).flip();
        while (record.hasRemaining()) {
            channel.write(record);
        }
        appended += 8 + payload.length;
        return appended;
    }

    /** Returns once everything appended up to {@code position} is on disk, fsyncing if no fsync has covered it. */
    void awaitDurable(long position) throws IOException {
        synchronized (syncLock) {
            if (synced >= position) {
                return; // the fsync that ran while this write waited covered it
            }
            long upTo;
            synchronized (this) {
                upTo = appended;
            }
            channel.force(false);
            syncs.incrementAndGet();
            synced = Math.max(synced, upTo);
        }
    }

    /**
     * Empties the log once the index has committed everything in it. Callers hold off appends meanwhile (the
     * collection's write lock), so nothing appended after the commit is lost.
     */
    void truncate() throws IOException {
        synchronized (syncLock) {
            synchronized (this) {
                channel.truncate(0);
                channel.position(0);
                channel.force(true);
                synced = appended; // nothing is pending: what was appended is in the commit
            }
        }
    }

    /** @return fsyncs run so far (to report writes per fsync) */
    long syncs() {
        return syncs.get();
    }

    /** @return the log's size in bytes now */
    long size() throws IOException {
        return channel.size();
    }

    Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static int crc32(byte[] payload) {
        CRC32 crc = new CRC32();
        crc.update(payload);
        return (int) crc.getValue();
    }

    private static byte[] encode(Operation operation) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DataOutputStream out = new DataOutputStream(bytes);
        if (operation instanceof Upsert u) {
            out.writeByte(UPSERT);
            out.writeInt(u.documents().size());
            for (VectorDocument d : u.documents()) {
                writeString(out, d.id());
                out.writeInt(d.vector().length);
                for (float f : d.vector()) {
                    out.writeFloat(f);
                }
                writeMap(out, d.metadata());
            }
        } else if (operation instanceof DeleteId d) {
            out.writeByte(DELETE_ID);
            writeString(out, d.id());
        } else if (operation instanceof DeleteFilter f) {
            out.writeByte(DELETE_FILTER);
            writeMap(out, f.filter());
        }
        out.flush();
        return bytes.toByteArray();
    }

    private static Operation decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        byte op = in.readByte();
        return switch (op) {
            case UPSERT -> {
                int n = in.readInt();
                List<VectorDocument> documents = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    String id = readString(in);
                    float[] vector = new float[in.readInt()];
                    for (int j = 0; j < vector.length; j++) {
                        vector[j] = in.readFloat();
                    }
                    documents.add(new VectorDocument(id, vector, readMap(in)));
                }
                yield new Upsert(documents);
            }
            case DELETE_ID -> new DeleteId(readString(in));
            case DELETE_FILTER -> new DeleteFilter(readMap(in));
            default -> throw new IOException("unknown operation " + op + " in the write-ahead log");
        };
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        return new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
    }

    private static void writeMap(DataOutputStream out, Map<String, String> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    private static Map<String, String> readMap(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            map.put(readString(in), readString(in));
        }
        return map;
    }
}

package dev.stoa.train.internal;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * A run's resumable state in one file, {@code checkpoint.bin} in the run folder: where the run is (optimizer step,
 * data position), the model's and the loss's parameters, and the optimizer's moments. Written to a temporary file,
 * flushed to disk and renamed over the previous one, so a run killed at any moment leaves the last complete
 * checkpoint, never half of one.
 *
 * @param step optimizer steps done
 * @param position examples read from the data stream (skipped ones included)
 * @param optimizerSteps the optimizer's own count (steps minus skipped ones)
 * @param skippedSteps steps skipped for non-finite gradients
 */
record Checkpoint(long step, long position, long optimizerSteps, long skippedSteps) {

    static final String FILE = "checkpoint.bin";
    private static final long MAGIC = 0x53544f41434b5054L; // "STOACKPT"
    private static final int FORMAT = 2;

    /**
     * Writes a checkpoint atomically.
     *
     * @param runDir the run folder
     * @param fingerprint what the run trains (model, loss, data, batch): a checkpoint resumes only the same
     * @param model the model's block
     * @param loss the loss's block
     * @param optimizer the optimizer
     * @param step optimizer steps done
     * @param position examples read so far
     * @throws IOException if it cannot be written; the previous checkpoint is then intact
     */
    static void write(
            Path runDir, String fingerprint, Block model, Block loss, AdamW optimizer, long step, long position)
            throws IOException {
        Path tmp = runDir.resolve(FILE + ".tmp");
        try (FileOutputStream file = new FileOutputStream(tmp.toFile());
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(file))) {
            out.writeLong(MAGIC);
            out.writeInt(FORMAT);
            out.writeUTF(fingerprint);
            out.writeLong(step);
            out.writeLong(position);
            out.writeLong(optimizer.steps());
            out.writeLong(optimizer.skipped());
            model.saveParameters(out);
            loss.saveParameters(out);
            byte[] moments = optimizer.state().encode();
            out.writeInt(moments.length);
            out.write(moments);
            out.writeLong(MAGIC);
            out.flush();
            file.getFD().sync();
        }
        Files.move(tmp, runDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Loads the run folder's checkpoint into the model, the loss and the optimizer, if there is one.
     *
     * @param runDir the run folder
     * @param fingerprint what this run trains; a checkpoint of something else (the training file changed its model,
     *     loss, data or batch size) is set aside as {@code checkpoint.bin.<time>.stale} and the run starts over
     * @param manager the run's manager
     * @param model the model's block, initialised
     * @param loss the loss's block, initialised
     * @param optimizer the optimizer
     * @return where the run stands, or empty if there is no checkpoint
     * @throws IOException if the file is unreadable or belongs to another model (its message says what to do)
     */
    static Optional<Checkpoint> restore(
            Path runDir, String fingerprint, NDManager manager, Block model, Block loss, AdamW optimizer)
            throws IOException {
        Path file = runDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String written;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            written = in.readLong() == MAGIC && in.readInt() == FORMAT ? in.readUTF() : null;
        }
        if (!fingerprint.equals(written)) {
            Path aside = runDir.resolve(FILE + "." + System.currentTimeMillis() + ".stale");
            Files.move(file, aside);
            LoggerFactory.getLogger(Checkpoint.class)
                    .warn(
                            "{} was written for another model, loss, dataset or batch"
                                    + " size ({}); this run is {}: starting over, the old checkpoint kept as {}",
                            file,
                            written,
                            fingerprint,
                            aside.getFileName());
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            in.readLong();
            in.readInt();
            in.readUTF();
            Checkpoint at = new Checkpoint(in.readLong(), in.readLong(), in.readLong(), in.readLong());
            model.loadParameters(manager, in);
            loss.loadParameters(manager, in);
            byte[] moments = new byte[in.readInt()];
            in.readFully(moments);
            try (NDManager scope = manager.newSubManager()) {
                optimizer.restore(NDList.decode(scope, moments), at.optimizerSteps(), at.skippedSteps());
            }
            if (in.readLong() != MAGIC) {
                throw new IOException(file + " ends early");
            }
            return Optional.of(at);
        } catch (MalformedModelException | RuntimeException e) {
            throw new IOException(
                    file + " does not fit this model (" + e.getMessage() + "); it was written by a"
                            + " different model or settings: delete the run folder " + runDir + " to start over",
                    e);
        }
    }
}

package dev.stoa.onnxruntime.internal;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.util.Locale;

/**
 * ONNX Runtime session options a model's configuration may set.
 *
 * @param intraOpThreads threads one operator may use; 0 lets ONNX Runtime choose (one per core)
 * @param interOpThreads threads that run independent operators at once; 0 lets ONNX Runtime choose
 * @param optimization graph optimisation level: {@code all}, {@code extended}, {@code basic} or {@code none}
 * @param spinning whether idle ONNX Runtime threads spin-wait for work (its default) instead of sleeping
 */
record SessionSettings(int intraOpThreads, int interOpThreads, String optimization, boolean spinning) {

    SessionSettings {
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "intraOpThreads and interOpThreads must be 0 (ONNX Runtime" + " chooses) or more, were "
                            + intraOpThreads + " and " + interOpThreads);
        }
        level(optimization);
    }

    /** ONNX Runtime's defaults (every core, all graph optimisations), but idle threads sleep: see {@link #spinning}. */
    static SessionSettings defaults() {
        return new SessionSettings(0, 0, "all", false);
    }

    /** @return new session options; the caller closes them once the session is created */
    OrtSession.SessionOptions toOptions() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            if (interOpThreads > 0) {
                options.setInterOpNumThreads(interOpThreads);
            }
            options.setOptimizationLevel(level(optimization));
            // spinning threads steal the cores that other sessions, calls and bundles need on a shared machine
            // (as PyTorch's OpenMP spinning does, which is why bin/stoa sets OMP_WAIT_POLICY=PASSIVE); ONNX
            // Runtime's session config key
            options.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
            options.addConfigEntry("session.inter_op.allow_spinning", spinning ? "1" : "0");
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    private static OrtSession.SessionOptions.OptLevel level(String name) {
        return switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
            case "all" -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
            case "extended" -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
            case "basic" -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
            case "none" -> OrtSession.SessionOptions.OptLevel.NO_OPT;
            default ->
                throw new StoaException(
                        FailureCode.BAD_CONFIG, "optimization is '" + name + "'; use all, extended, basic or none");
        };
    }
}

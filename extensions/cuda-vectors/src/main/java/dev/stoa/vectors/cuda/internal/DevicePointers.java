package dev.stoa.vectors.cuda.internal;

import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Device memory as plain addresses: JavaCPP's {@code position} on a {@code void*} argument is not byte arithmetic on
 * every signature, so offsets into device buffers are computed here in bytes and wrapped in a fresh pointer.
 */
final class DevicePointers {

    private DevicePointers() {}

    /** A pointer at an absolute address; never deallocates. */
    private static final class At extends Pointer {
        At(long address) {
            super((Pointer) null);
            this.address = address;
        }
    }

    /** A float pointer at an absolute address; never deallocates. */
    private static final class FloatsAt extends FloatPointer {
        FloatsAt(long address) {
            super((Pointer) null);
            this.address = address;
        }
    }

    static Pointer at(long address) {
        return new At(address);
    }

    static FloatPointer floats(long address) {
        return new FloatsAt(address);
    }

    /**
     * @param bytes how many
     * @return the device address
     * @throws CudaUnavailable with CUDA's error (out of memory, for example)
     */
    static long alloc(long bytes) throws CudaUnavailable {
        Pointer p = new Pointer((Pointer) null);
        CudaDevice.check(cudaMalloc(p, Math.max(4, bytes)), "cudaMalloc(" + bytes + " bytes)");
        return p.address();
    }

    static void free(long address) {
        if (address != 0) {
            cudaFree(at(address));
        }
    }
}

#!/usr/bin/env bash
# The GPU device check (itests/gpu/README.md): runs the upload's Java program and writes its JSON report.
#
#   itests/gpu/run-device-check.sh [REPORT_DIR]
#
# REPORT_DIR defaults to $OUT (the device tool's folder that comes back), else itests/gpu/target/device-check.
# The upload is itests/gpu/target/gpu-upload (mvn -B -o -Pgpu-upload -pl itests/gpu -am package -DskipTests), or
# $STOA_GPU_UPLOAD. CUDA libraries: $STOA_CUDA_LIBRARY_PATH (':'-separated), then the pip 'nvidia' packages of the
# machine's Python (where PyTorch's CUDA 13 libraries live), then LD_LIBRARY_PATH, ld.so.conf and the usual folders.
# Exits 0 when the report was written (whatever it says), non-zero when the program failed or ran out of time.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
UPLOAD="${STOA_GPU_UPLOAD:-$HERE/target/gpu-upload}"
REPORT_DIR="${1:-${OUT:-$HERE/target/device-check}}"
mkdir -p "$REPORT_DIR"
REPORT="$REPORT_DIR/device-check.json"

JAVA="$UPLOAD/runtime/bin/java"
if [ ! -x "$JAVA" ]; then
  echo "no runtime in $UPLOAD/runtime; using java from PATH" >&2
  JAVA=java
fi

LIBS="${STOA_CUDA_LIBRARY_PATH:-}"
for py in python3 python; do
  if command -v "$py" >/dev/null 2>&1; then
    found="$("$py" - <<'PY' 2>/dev/null
import glob, os, site
roots = set()
try:
    roots.update(site.getsitepackages())
except Exception:
    pass
try:
    roots.add(site.getusersitepackages())
except Exception:
    pass
dirs = set()
for r in roots:
    for pattern in ("nvidia/*/lib", "nvidia/*/lib64", "tensorrt_libs"):
        for p in glob.glob(os.path.join(r, pattern)):
            if os.path.isdir(p):
                dirs.add(p)
print(":".join(sorted(dirs)))
PY
)"
    if [ -n "$found" ]; then LIBS="${LIBS:+$LIBS:}$found"; fi
    break
  fi
done

TRT_MAIN=""
if [ -f "$HERE/tensorrt.main" ]; then TRT_MAIN="$(tr -d ' \n' < "$HERE/tensorrt.main")"; fi

HEAP="${STOA_CHECK_HEAP:-24g}"
CACHE="${TMPDIR:-/tmp}/stoa-javacpp-cache"
echo "device check: java $JAVA, libraries ${LIBS:-(none given)}, report $REPORT" >&2
timeout 460 "$JAVA" -Xmx"$HEAP" -XX:+UseParallelGC \
  -Dorg.bytedeco.javacpp.cachedir="$CACHE" \
  -Dstoa.check.tensorrt.main="$TRT_MAIN" \
  -cp "$UPLOAD/lib/*" dev.stoa.gpucheck.DeviceCheck \
  --out "$REPORT" --library-path "$LIBS" --budget-s "${STOA_CHECK_BUDGET_S:-420}"
rc=$?
if [ -f "$REPORT" ]; then cat "$REPORT"; else echo "no report written" >&2; fi
exit $rc

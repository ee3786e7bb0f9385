#!/usr/bin/env bash
# Runs the @bento/native Jest suite under valgrind memcheck; exits non-zero on any memory error
# (invalid read/write, use of uninitialised values, bad free) or on a failing test.
#   tools/native/valgrind.sh [extra jest args]     e.g. tools/native/valgrind.sh test/errors
# Needs: valgrind (Debian package `valgrind`) and a built addon (npx nx run native:build-native).
# Leaks are not checked: Node keeps memory until exit by design. `--jitless` keeps V8 from
# generating machine code, which valgrind 3.19 cannot always translate ("VEX temporary storage
# exhausted"); smaller translation blocks (--vex-guest-max-insns=25) avoid the same failure
# on the unrolled AVX2 kernels.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
command -v valgrind >/dev/null || { echo "valgrind not found: apt-get install valgrind" >&2; exit 2; }
[ -f native/build/Release/bento_native.node ] || npx nx run native:build-native
exec valgrind --error-exitcode=99 --leak-check=no --vex-guest-max-insns=25 --track-origins=yes --num-callers=30 \
  --suppressions="$root/tools/native/valgrind.supp" \
  node --jitless node_modules/jest/bin/jest.js --selectProjects native --runInBand --testTimeout=900000 "$@"

// libFuzzer's driver entry point (compiler-rt, linked by `swiftc -sanitize=fuzzer`). Declared here so the
// fuzz driver can run libFuzzer from its own `main`; only referenced when built with -DDOSSIER_LIBFUZZER.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));

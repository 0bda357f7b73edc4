// libFuzzer's entry for programs that keep their own main. SwiftPM gives every executable a `main` of its own
// (an alias of the module's entry point), which shadows libFuzzer's, so the fuzz targets start libFuzzer
// through this. Header-only; the symbol is linked only by `-sanitize=fuzzer` builds, which define FUZZING.
#ifndef CFUZZER_SHIM_H
#define CFUZZER_SHIM_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif

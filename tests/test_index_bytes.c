/* test_index.c with the index built byte by byte, as big-endian machines
 * and compilers without the word builtins build it. */
#define PM_INDEX_NO_SIMD 1
#include "test_index.c"

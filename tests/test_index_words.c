/* test_index.c with the index built a 64-bit word at a time, as machines
 * without SSE2 build it. */
#define PM_INDEX_NO_SSE2 1
#include "test_index.c"

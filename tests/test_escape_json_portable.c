/*
 * The tests of test_escape_json.c against escape.c built with the portable
 * block test (one 64-bit word at a time) that machines without SSE2 use, so
 * that it is checked on every machine.  This program has its own copy of
 * escape.c; the library's is not linked in.
 */
#define PM_ESCAPE_NO_SIMD 1
#include "../src/escape.c"

#include "test_escape_json.c"

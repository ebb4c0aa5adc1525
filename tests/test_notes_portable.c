/*
 * The tests of test_notes.c against notes.c built without SSE2, with the
 * byte-at-a-time search that other machines use, so that it is checked on
 * every machine.  This program has its own copy of notes.c; the library's
 * is not linked in.
 */
#define PM_NOTES_NO_SIMD 1
#include "../src/notes.c"

#include "test_notes.c"

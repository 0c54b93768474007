/* A tiny native library for the worker tests: two builds with one file name answer differently. */
#ifndef PAI_ANSWER
#define PAI_ANSWER 1
#endif

int pai_answer(void) { return PAI_ANSWER; }

/* A real native fault: a write through a null pointer, which no runtime can turn into an exception. */
void pai_crash(void)
{
    volatile int *volatile nowhere = 0;
    *nowhere = 42;
}

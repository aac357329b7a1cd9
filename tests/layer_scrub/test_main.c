/* The scrub unit tests: every expected value follows from a rule stated in
 * layer/scrub.h, and every case checks the application's input bytes are
 * untouched. */
#include "harness.h"

int main(void)
{
    test_flags();
    test_barriers();
    test_create();
    test_chain();
    fprintf(stderr, "scrub: %d checks, %d failed\n", t_checks, t_failures);
    return t_failures || !t_checks ? 1 : 0;
}

/* The violation log: stderr line, counter, optional report file. */
#include "emu.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void emu_violation(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    emu.violations++;
    fprintf(stderr, "vkv4l2-emulator: VIOLATION: %s\n", msg);
    if (emu.settings.report_path[0]) {
        FILE *f = fopen(emu.settings.report_path, "ae");
        if (f) {
            fprintf(f, "VIOLATION: %s\n", msg);
            fclose(f);
        } else {
            fprintf(stderr, "vkv4l2-emulator: cannot append to %s: %s\n",
                    emu.settings.report_path, strerror(errno));
        }
    }
}

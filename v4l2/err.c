/* Error context: record the failing step for the caller to log. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

int vkv4l2_err_set(struct vkv4l2_err *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->what, sizeof(err->what), fmt, ap);
    va_end(ap);
    return code;
}

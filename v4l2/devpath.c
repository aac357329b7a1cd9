/* Device-node path helpers (pure). */
#include "devpath.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *prefix(enum vkv4l2_devpath_kind kind)
{
    return kind == VKV4L2_DEVPATH_MEDIA ? "/dev/media" : "/dev/video";
}

int vkv4l2_devpath_parse(const char *path, enum vkv4l2_devpath_kind *kind, unsigned *num)
{
    if (!path)
        return -EINVAL;
    static const enum vkv4l2_devpath_kind kinds[] = {VKV4L2_DEVPATH_MEDIA, VKV4L2_DEVPATH_VIDEO};
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        const char *p = prefix(kinds[k]);
        size_t len = strlen(p);
        if (strncmp(path, p, len) != 0)
            continue;
        const char *digits = path + len;
        if (*digits < '0' || *digits > '9')
            return -EINVAL;
        unsigned long n = 0;
        for (const char *c = digits; *c; c++) {
            if (*c < '0' || *c > '9')
                return -EINVAL;
            n = n * 10 + (unsigned long)(*c - '0');
            if (n > 65535)
                return -EINVAL;
        }
        *kind = kinds[k];
        *num = (unsigned)n;
        return 0;
    }
    return -EINVAL;
}

int vkv4l2_devpath_format(enum vkv4l2_devpath_kind kind, unsigned num, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s%u", prefix(kind), num);
    return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

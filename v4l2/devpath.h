/* Device-node path helpers for discovery (pure). */
#ifndef VKV4L2_V4L2_DEVPATH_H
#define VKV4L2_V4L2_DEVPATH_H

#include <stddef.h>

/* Highest node numbers discovery looks at: /dev/media0..63, /dev/video0..255. */
#define VKV4L2_MEDIA_NODES_MAX 64
#define VKV4L2_VIDEO_NODES_MAX 256

enum vkv4l2_devpath_kind {
    VKV4L2_DEVPATH_MEDIA, /* /dev/mediaN */
    VKV4L2_DEVPATH_VIDEO, /* /dev/videoN */
};

/* Parses a VKV4L2_DEVICE value: exactly "/dev/mediaN" or "/dev/videoN" with
 * a decimal N (no sign, no trailing text).  Returns 0 with *kind and *num, or
 * -EINVAL. */
int vkv4l2_devpath_parse(const char *path, enum vkv4l2_devpath_kind *kind, unsigned *num);

/* Writes "/dev/mediaN" or "/dev/videoN" into buf.  Returns 0 or -ENAMETOOLONG. */
int vkv4l2_devpath_format(enum vkv4l2_devpath_kind kind, unsigned num, char *buf, size_t size);

#endif

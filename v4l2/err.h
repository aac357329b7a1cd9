/* Error context for multi-step V4L2 operations.
 *
 * Backend functions return 0 or -errno.  The ones that chain several ioctls
 * also fill an optional struct vkv4l2_err with the step that failed, so the
 * caller (which owns logging) can say "VIDIOC_S_FMT(OUTPUT) on /dev/video1:
 * Invalid argument" instead of a bare -EINVAL.  Nothing here prints. */
#ifndef VKV4L2_V4L2_ERR_H
#define VKV4L2_V4L2_ERR_H

struct vkv4l2_err {
    int code;       /* the -errno returned, 0 when nothing failed */
    char what[192]; /* the failing step and its context */
};

/* Records code and a printf-style description in err (which may be NULL)
 * and returns code, so callers can write `return vkv4l2_err_set(...)`. */
int vkv4l2_err_set(struct vkv4l2_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* printf arguments for a fourcc printed with "%c%c%c%c". */
#define VKV4L2_FOURCC_ARGS(f) (char)((f) & 0xff), (char)(((f) >> 8) & 0xff), \
                              (char)(((f) >> 16) & 0xff), (char)(((f) >> 24) & 0xff)

#endif

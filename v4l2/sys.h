/* The one seam between vkv4l2 and the kernel's V4L2 / media / dma-buf
 * interfaces.  Every open/ioctl/mmap/munmap/poll/close the layer makes on a
 * media device, a video node, a request fd or a CAPTURE dma-buf goes through
 * these wrappers.  When the VKV4L2_EMULATOR setting names a shared library,
 * the calls are routed to that library's ops table instead of libc; nothing
 * else in the layer knows whether it talks to a kernel or to an emulator.
 *
 * Wrappers return -errno on failure (never -1 with errno), like libcamera's. */
#ifndef VKV4L2_SYS_H
#define VKV4L2_SYS_H

#include <poll.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* ABI between the layer and an emulator library.  The library exports
 *   const struct vkv4l2_sys_ops *vkv4l2_emulator_ops(void);
 * Every member follows the libc convention (-1 and errno on failure), so
 * libc itself is a valid ops table.  File descriptors an emulator returns are
 * real kernel fds (eventfds, memfds...) so they never collide with the
 * application's and can be polled together with real fds through ->poll. */
#define VKV4L2_SYS_OPS_ABI 1
#define VKV4L2_EMULATOR_OPS_SYMBOL "vkv4l2_emulator_ops"

struct vkv4l2_sys_ops {
    unsigned abi_version; /* VKV4L2_SYS_OPS_ABI */
    const char *name;     /* for logs: "kernel", "emulator" */
    int (*open)(const char *path, int flags);
    int (*close)(int fd);
    int (*ioctl)(int fd, unsigned long request, void *arg);
    void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd, off_t offset);
    int (*munmap)(void *addr, size_t len);
    int (*poll)(struct pollfd *fds, nfds_t nfds, int timeout_ms);
    /* Device nodes are matched to media-controller interfaces by st_rdev. */
    int (*stat)(const char *path, struct stat *st);
};

typedef const struct vkv4l2_sys_ops *(*vkv4l2_emulator_ops_fn)(void);

/* Selects the backend once (thread-safe).  Returns 0, or -errno when
 * VKV4L2_EMULATOR names a library that cannot be loaded (the layer then
 * stays inactive rather than touching real devices by surprise). */
int vkv4l2_sys_init(void);
/* "kernel" or "emulator" (after a successful vkv4l2_sys_init). */
const char *vkv4l2_sys_backend_name(void);

int vkv4l2_sys_open(const char *path, int flags);
int vkv4l2_sys_close(int fd);
/* Retries on EINTR.  Returns the ioctl's non-negative result or -errno. */
int vkv4l2_sys_ioctl(int fd, unsigned long request, void *arg);
/* Returns 0 and *out, or -errno. */
int vkv4l2_sys_mmap(size_t len, int prot, int flags, int fd, off_t offset, void **out);
int vkv4l2_sys_munmap(void *addr, size_t len);
/* Returns the number of ready fds, 0 on timeout, or -errno.  Retries EINTR. */
int vkv4l2_sys_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);
/* Returns 0 or -errno. */
int vkv4l2_sys_stat(const char *path, struct stat *st);

#endif

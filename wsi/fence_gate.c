/* dma-buf implicit-fence wait through the syscall seam. */
#include "fence_gate.h"

#include <errno.h>
#include <poll.h>
#include <stdatomic.h>

#include <linux/dma-buf.h>

#include "log.h" /* the layer's (wsi is compiled into it) */
#include "sys.h"

/* Set once a kernel says it has no DMA_BUF_IOCTL_EXPORT_SYNC_FILE. */
static atomic_bool fences_unavailable;

bool vkv4l2_dmabuf_fences_available(void)
{
    return !atomic_load(&fences_unavailable);
}

int vkv4l2_dmabuf_wait_readers(int dmabuf_fd, int timeout_ms)
{
    if (dmabuf_fd < 0)
        return -EBADF;
    if (atomic_load(&fences_unavailable))
        return 0;
    struct dma_buf_export_sync_file exp = { .flags = DMA_BUF_SYNC_WRITE, .fd = -1 };
    int ret = vkv4l2_sys_ioctl(dmabuf_fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &exp);
    if (ret == -ENOTTY || ret == -EINVAL) {
        /* Before Linux 6.0 (or a dma-buf exporter without reservation
         * objects): nothing to wait for that we could see. */
        if (!atomic_exchange(&fences_unavailable, true))
            vkv4l2_info("dma-buf implicit fences unavailable (%s); "
                        "CAPTURE requeue is gated on Vulkan waits only",
                        ret == -ENOTTY ? "no DMA_BUF_IOCTL_EXPORT_SYNC_FILE" : "EINVAL");
        return 0;
    }
    if (ret < 0)
        return ret;
    struct pollfd pfd = { .fd = exp.fd, .events = POLLIN };
    ret = vkv4l2_sys_poll(&pfd, 1, timeout_ms);
    if (ret == 0)
        ret = -ETIMEDOUT;
    else if (ret > 0)
        ret = (pfd.revents & (POLLERR | POLLNVAL)) ? -EIO : 0;
    int cret = vkv4l2_sys_close(exp.fd);
    return ret < 0 ? ret : cret;
}

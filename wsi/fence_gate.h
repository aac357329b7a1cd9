/* Waiting for a dma-buf's implicit fences before the decoder writes it.
 *
 * videobuf2 neither waits on nor attaches dma-buf fences, so before a
 * CAPTURE dma-buf is queued again the layer waits, in userspace, for every
 * fence a consumer (GPU, display) attached to it: the requeue race of VA-API
 * drivers.  Linux 6.0+ exports them as a sync file
 * (DMA_BUF_IOCTL_EXPORT_SYNC_FILE); older kernels have no such ioctl. */
#ifndef VKV4L2_WSI_FENCE_GATE_H
#define VKV4L2_WSI_FENCE_GATE_H

#include <stdbool.h>

/* Waits until every fence on the dma-buf (readers and writers: we are about
 * to write) has signalled.  timeout_ms < 0 waits forever.  Returns 0 (also
 * when the kernel cannot export implicit fences: remembered per process and
 * logged once), -ETIMEDOUT, or another -errno. */
int vkv4l2_dmabuf_wait_readers(int dmabuf_fd, int timeout_ms);

/* False once a kernel answered that it cannot export implicit fences. */
bool vkv4l2_dmabuf_fences_available(void);

#endif

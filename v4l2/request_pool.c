/* Request pool plumbing. */
#include "request_pool.h"

#include <errno.h>
#include <string.h>

#include <linux/media.h>

#include "sys.h"

int vkv4l2_request_pool_init(struct vkv4l2_request_pool *pool, int media_fd, unsigned count,
                             struct vkv4l2_err *err)
{
    memset(pool, 0, sizeof(*pool));
    if (count == 0 || count > VKV4L2_MAX_REQUESTS)
        return vkv4l2_err_set(err, -EINVAL, "request pool of %u", count);
    for (unsigned i = 0; i < count; i++) {
        int fd = -1;
        int ret = vkv4l2_sys_ioctl(media_fd, MEDIA_IOC_REQUEST_ALLOC, &fd);
        if (ret < 0) {
            vkv4l2_request_pool_fini(pool);
            return vkv4l2_err_set(err, ret, "MEDIA_IOC_REQUEST_ALLOC (%u of %u)", i + 1, count);
        }
        pool->fds[pool->count++] = fd;
    }
    return 0;
}

int vkv4l2_request_queue(struct vkv4l2_request_pool *pool, unsigned i, struct vkv4l2_err *err)
{
    int ret = vkv4l2_sys_ioctl(pool->fds[i], MEDIA_REQUEST_IOC_QUEUE, NULL);
    return ret < 0 ? vkv4l2_err_set(err, ret, "MEDIA_REQUEST_IOC_QUEUE (request %u)", i) : 0;
}

int vkv4l2_request_reinit(struct vkv4l2_request_pool *pool, unsigned i, struct vkv4l2_err *err)
{
    int ret = vkv4l2_sys_ioctl(pool->fds[i], MEDIA_REQUEST_IOC_REINIT, NULL);
    return ret < 0 ? vkv4l2_err_set(err, ret, "MEDIA_REQUEST_IOC_REINIT (request %u)", i) : 0;
}

void vkv4l2_request_pool_fini(struct vkv4l2_request_pool *pool)
{
    for (unsigned i = 0; i < pool->count; i++)
        vkv4l2_sys_close(pool->fds[i]);
    pool->count = 0;
}

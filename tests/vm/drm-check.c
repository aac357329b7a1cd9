/*
 * vm-drm-check DRIVER: proves, inside the test VM, that a DRM device of
 * DRIVER (vgem) gives real dma-bufs: a /dev/dri/card* whose driver is
 * DRIVER creates a dumb buffer, exports it as a dma-buf (PRIME), and that
 * dma-buf hands out a sync_file (DMA_BUF_IOCTL_EXPORT_SYNC_FILE, the call
 * the layer's requeue gating is built on), signalled since nothing is
 * pending.  Exits 0 only when all of that holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <xf86drm.h>

static int check_dma_buf(int drm_fd)
{
	struct drm_mode_create_dumb dumb = { .width = 256, .height = 16, .bpp = 32 };
	struct drm_mode_destroy_dumb destroy = { 0 };
	struct dma_buf_export_sync_file sync = { .flags = DMA_BUF_SYNC_RW, .fd = -1 };
	struct pollfd pfd;
	int buf_fd = -1, ret;

	if (drmIoctl(drm_fd, DRM_IOCTL_MODE_CREATE_DUMB, &dumb) < 0) {
		ret = -errno;
		fprintf(stderr, "DRM_IOCTL_MODE_CREATE_DUMB: %s\n", strerror(errno));
		return ret;
	}
	destroy.handle = dumb.handle;
	ret = drmPrimeHandleToFD(drm_fd, dumb.handle, DRM_CLOEXEC | DRM_RDWR, &buf_fd);
	if (ret < 0) {
		fprintf(stderr, "drmPrimeHandleToFD: %s\n", strerror(-ret));
		goto out;
	}
	if (ioctl(buf_fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &sync) < 0) {
		ret = -errno;
		fprintf(stderr, "DMA_BUF_IOCTL_EXPORT_SYNC_FILE: %s\n", strerror(errno));
		goto out;
	}
	pfd = (struct pollfd){ .fd = sync.fd, .events = POLLIN };
	ret = poll(&pfd, 1, 1000);
	if (ret != 1 || !(pfd.revents & POLLIN)) {
		fprintf(stderr, "the sync_file of an idle dma-buf is not signalled\n");
		ret = -EBUSY;
		goto out;
	}
	printf("  dumb buffer %ux%u pitch %u, dma-buf fd and signalled sync_file: ok\n",
	       dumb.width, dumb.height, dumb.pitch);
	ret = 0;
out:
	if (sync.fd >= 0)
		close(sync.fd);
	if (buf_fd >= 0)
		close(buf_fd);
	drmIoctl(drm_fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
	return ret;
}

int main(int argc, char **argv)
{
	glob_t g;
	int ok = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DRIVER\n", argv[0]);
		return 2;
	}
	if (glob("/dev/dri/card*", 0, NULL, &g) != 0) {
		fprintf(stderr, "no /dev/dri/card* device\n");
		return 1;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		drmVersionPtr version;
		int fd = open(g.gl_pathv[i], O_RDWR | O_CLOEXEC);

		if (fd < 0) {
			fprintf(stderr, "open %s: %s\n", g.gl_pathv[i], strerror(errno));
			continue;
		}
		version = drmGetVersion(fd);
		if (!version) {
			fprintf(stderr, "drmGetVersion on %s failed\n", g.gl_pathv[i]);
			close(fd);
			continue;
		}
		printf("%s: driver %s\n", g.gl_pathv[i], version->name);
		if (strcmp(version->name, argv[1]) == 0 && check_dma_buf(fd) == 0)
			ok = 1;
		drmFreeVersion(version);
		close(fd);
	}
	globfree(&g);
	if (!ok) {
		fprintf(stderr, "no %s device giving dma-bufs with sync_files\n", argv[1]);
		return 1;
	}
	printf("ok: %s gives dma-bufs with sync_files\n", argv[1]);
	return 0;
}

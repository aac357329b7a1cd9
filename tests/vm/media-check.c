/*
 * vm-media-check DRIVER: proves, inside the test VM, that a media device of
 * DRIVER exposes a stateless decoder the way userspace finds one: a
 * MEDIA_ENT_F_PROC_VIDEO_DECODER entity whose data links reach an I/O
 * entity with a V4L2 video interface, whose device node exists and answers
 * VIDIOC_QUERYCAP as a memory-to-memory device of the same driver.
 * Prints the topology it read; exits 0 only when all of that holds.
 * Independent of the project's own discovery code on purpose: it checks the
 * test world, not the code under test.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/media.h>
#include <linux/videodev2.h>

struct topology {
	struct media_v2_topology t;
	struct media_v2_entity *entities;
	struct media_v2_interface *interfaces;
	struct media_v2_pad *pads;
	struct media_v2_link *links;
};

static int read_topology(int fd, struct topology *topo)
{
	memset(topo, 0, sizeof(*topo));
	if (ioctl(fd, MEDIA_IOC_G_TOPOLOGY, &topo->t) < 0)
		return -errno;
	topo->entities = calloc(topo->t.num_entities + 1, sizeof(*topo->entities));
	topo->interfaces = calloc(topo->t.num_interfaces + 1, sizeof(*topo->interfaces));
	topo->pads = calloc(topo->t.num_pads + 1, sizeof(*topo->pads));
	topo->links = calloc(topo->t.num_links + 1, sizeof(*topo->links));
	if (!topo->entities || !topo->interfaces || !topo->pads || !topo->links)
		return -ENOMEM;
	topo->t.ptr_entities = (uintptr_t)topo->entities;
	topo->t.ptr_interfaces = (uintptr_t)topo->interfaces;
	topo->t.ptr_pads = (uintptr_t)topo->pads;
	topo->t.ptr_links = (uintptr_t)topo->links;
	if (ioctl(fd, MEDIA_IOC_G_TOPOLOGY, &topo->t) < 0)
		return -errno;
	return 0;
}

static void free_topology(struct topology *topo)
{
	free(topo->entities);
	free(topo->interfaces);
	free(topo->pads);
	free(topo->links);
}

static const struct media_v2_pad *find_pad(const struct topology *topo, uint32_t id)
{
	for (uint32_t i = 0; i < topo->t.num_pads; i++)
		if (topo->pads[i].id == id)
			return &topo->pads[i];
	return NULL;
}

/* Entity on the other end of a data link touching one of ENTITY's pads. */
static uint32_t data_neighbour(const struct topology *topo, uint32_t entity, uint32_t nth)
{
	uint32_t seen = 0;

	for (uint32_t i = 0; i < topo->t.num_links; i++) {
		const struct media_v2_link *l = &topo->links[i];
		const struct media_v2_pad *a, *b;

		if ((l->flags & MEDIA_LNK_FL_LINK_TYPE) != MEDIA_LNK_FL_DATA_LINK)
			continue;
		a = find_pad(topo, l->source_id);
		b = find_pad(topo, l->sink_id);
		if (!a || !b)
			continue;
		if (a->entity_id == entity || b->entity_id == entity) {
			if (seen++ == nth)
				return a->entity_id == entity ? b->entity_id : a->entity_id;
		}
	}
	return 0;
}

/* The V4L2 video interface linked to ENTITY, or NULL. */
static const struct media_v2_interface *video_interface(const struct topology *topo,
							 uint32_t entity)
{
	for (uint32_t i = 0; i < topo->t.num_links; i++) {
		const struct media_v2_link *l = &topo->links[i];

		if ((l->flags & MEDIA_LNK_FL_LINK_TYPE) != MEDIA_LNK_FL_INTERFACE_LINK ||
		    l->sink_id != entity)
			continue;
		for (uint32_t j = 0; j < topo->t.num_interfaces; j++)
			if (topo->interfaces[j].id == l->source_id &&
			    topo->interfaces[j].intf_type == MEDIA_INTF_T_V4L_VIDEO)
				return &topo->interfaces[j];
	}
	return NULL;
}

/* /dev path of a character device, from its sysfs uevent. */
static int devnode_path(uint32_t major, uint32_t minor, char *path, size_t size)
{
	char uevent[64], line[256];
	FILE *f;
	int ret = -ENOENT;

	snprintf(uevent, sizeof(uevent), "/sys/dev/char/%u:%u/uevent", major, minor);
	f = fopen(uevent, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "DEVNAME=", 8) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(path, size, "/dev/%s", line + 8);
			ret = 0;
		}
	}
	fclose(f);
	return ret;
}

static int check_video_node(const char *path, const char *driver)
{
	struct v4l2_capability cap;
	uint32_t caps;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "open %s: %s\n", path, strerror(errno));
		return -errno;
	}
	memset(&cap, 0, sizeof(cap));
	if (ioctl(fd, VIDIOC_QUERYCAP, &cap) < 0) {
		int err = -errno;

		fprintf(stderr, "VIDIOC_QUERYCAP on %s: %s\n", path, strerror(errno));
		close(fd);
		return err;
	}
	close(fd);
	caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps : cap.capabilities;
	printf("  %s: driver %s, card %s, caps 0x%08x\n", path, (char *)cap.driver,
	       (char *)cap.card, caps);
	if (strcmp((char *)cap.driver, driver) != 0 ||
	    !(caps & (V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE)))
		return -ENODEV;
	return 0;
}

/* 0 when TOPO has a decoder reachable through a working video node. */
static int check_decoder(const struct topology *topo, const char *driver)
{
	int found = -ENOENT;

	for (uint32_t i = 0; i < topo->t.num_entities; i++) {
		const struct media_v2_entity *e = &topo->entities[i];

		printf("  entity %u '%s' function 0x%x\n", e->id, e->name, e->function);
		if (e->function != MEDIA_ENT_F_PROC_VIDEO_DECODER)
			continue;
		for (uint32_t n = 0;; n++) {
			uint32_t io = data_neighbour(topo, e->id, n);
			const struct media_v2_interface *intf;
			char path[288];

			if (!io)
				break;
			intf = video_interface(topo, io);
			if (!intf)
				continue;
			if (devnode_path(intf->devnode.major, intf->devnode.minor, path,
					 sizeof(path)) < 0)
				continue;
			printf("  decoder '%s' -> entity %u -> %s\n", e->name, io, path);
			if (check_video_node(path, driver) == 0)
				found = 0;
		}
	}
	return found;
}

int main(int argc, char **argv)
{
	glob_t g;
	int ok = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DRIVER\n", argv[0]);
		return 2;
	}
	if (glob("/dev/media*", 0, NULL, &g) != 0) {
		fprintf(stderr, "no /dev/media* device\n");
		return 1;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct media_device_info info;
		struct topology topo;
		int fd = open(g.gl_pathv[i], O_RDWR | O_CLOEXEC);

		if (fd < 0) {
			fprintf(stderr, "open %s: %s\n", g.gl_pathv[i], strerror(errno));
			continue;
		}
		memset(&info, 0, sizeof(info));
		if (ioctl(fd, MEDIA_IOC_DEVICE_INFO, &info) < 0) {
			fprintf(stderr, "MEDIA_IOC_DEVICE_INFO on %s: %s\n", g.gl_pathv[i],
				strerror(errno));
			close(fd);
			continue;
		}
		printf("%s: driver %s, model %s\n", g.gl_pathv[i], info.driver, info.model);
		if (strcmp(info.driver, argv[1]) == 0) {
			int ret = read_topology(fd, &topo);

			if (ret < 0)
				fprintf(stderr, "MEDIA_IOC_G_TOPOLOGY on %s: %s\n",
					g.gl_pathv[i], strerror(-ret));
			else if (check_decoder(&topo, argv[1]) == 0)
				ok = 1;
			free_topology(&topo);
		}
		close(fd);
	}
	globfree(&g);
	if (!ok) {
		fprintf(stderr, "no %s media device with a working decoder video node\n", argv[1]);
		return 1;
	}
	printf("ok: %s decoder found\n", argv[1]);
	return 0;
}

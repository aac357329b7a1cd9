/* Creation and destruction of a stream's Vulkan objects (client_session.c). */
#ifndef VKV4L2_TEST_CLIENT_SESSION_H
#define VKV4L2_TEST_CLIENT_SESSION_H

#include "client.h"

/* s->vk, s->extent and s->size must be set. */
int client_session_create(struct client_stream *s);
void client_session_destroy(struct client_stream *s);
/* Session parameters holding the picture's SPS and PPS (made on first use). */
int client_params_for(struct client_stream *s, const struct vkv4l2_fe_picture *pic,
                      VkVideoSessionParametersKHR *out);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The vif nodes of vif.h: a vif's own keys, over devnodes.c. The
 * optional keys are written only when they apply, as libxl leaves out
 * what the configuration does not set.
 */
#include "vif.h"

#include <stdio.h>

#define VIF_BACK_KEYS 8

void vif_mac_text(const uint8_t mac[6], char text[18])
{
    snprintf(text, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* The backend's optional keys after its first n; the count in all. */
static unsigned optional_keys(const struct xl_vif *vif, const char *back[][2], unsigned n)
{
    if (vif->bridge[0])
        back[n][0] = "bridge", back[n++][1] = vif->bridge;
    if (vif->script_given)
        back[n][0] = "script", back[n++][1] = xl_vif_script_name(vif->mode);
    if (vif->ip[0])
        back[n][0] = "ip", back[n++][1] = vif->ip;
    if (vif->vifname[0])
        back[n][0] = "vifname", back[n++][1] = vif->vifname;
    if (vif->gatewaydev[0])
        back[n][0] = "gatewaydev", back[n++][1] = vif->gatewaydev;
    return n;
}

long vif_add(uint16_t fe, uint16_t be, uint16_t reader, const struct xl_vif *vif)
{
    const struct devnodes dev = { "vif", fe, be, vif->handle, reader };
    char handle_s[12], mac_s[18];
    const char *const front[][2] = { { "handle", handle_s }, { "mac", mac_s } };
    const char *back[VIF_BACK_KEYS][2] = { { "handle", handle_s }, { "mac", mac_s }, { "type", "vif" } };
    unsigned nback = optional_keys(vif, back, 3);

    snprintf(handle_s, sizeof(handle_s), "%u", vif->handle);
    vif_mac_text(vif->mac, mac_s);
    return devnodes_add(&dev, front, sizeof(front) / sizeof(front[0]), (const char *const(*)[2])back, nback);
}

long vif_remove(uint16_t fe, uint16_t be, uint32_t handle, uint64_t wait_ns, bool detach)
{
    const struct devnodes dev = { "vif", fe, be, handle, 0 };

    return devnodes_remove(&dev, wait_ns, detach);
}

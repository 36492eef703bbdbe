/* SPDX-License-Identifier: MIT */
/*
 * A hot-plug request's spec read as xl reads it (devspec.h), with lib/xl:
 * the tool checks it before it sends it, the control domain again when
 * it arrives, the builder a third time. Pure C.
 */
#include "devspec.h"

#include <stdio.h>

#include "idl/xen_errno.h"
#include "xl_disk.h"
#include "xl_vif.h"

bool devspec_is_disk(uint16_t type)
{
    return type == CONTROL_MSG_BLOCK_ATTACH || type == CONTROL_MSG_BLOCK_DETACH;
}

bool devspec_is_attach(uint16_t type)
{
    return type == CONTROL_MSG_BLOCK_ATTACH || type == CONTROL_MSG_NET_ATTACH;
}

int devspec_check(uint16_t type, const char *spec, char *why, size_t cap)
{
    char reason[XL_VIF_WHY_MAX > XL_DISK_WHY_MAX ? XL_VIF_WHY_MAX : XL_DISK_WHY_MAX];
    struct xl_disk disk;
    struct xl_vif vif;
    uint32_t devid;
    uint8_t mac[6];
    bool by_mac;
    int r;

    reason[0] = '\0';
    switch (type) {
    case CONTROL_MSG_BLOCK_ATTACH: r = xl_disk_parse(spec, &disk, reason, sizeof(reason)); break;
    case CONTROL_MSG_NET_ATTACH: r = xl_vif_parse(spec, &vif, reason, sizeof(reason)); break;
    case CONTROL_MSG_BLOCK_DETACH:
        r = xl_vdev_devid(spec, &devid);
        snprintf(reason, sizeof(reason), "'%.64s' is no virtual device name or number (xvdb, 51728)", spec);
        break;
    default:
        r = xl_vif_name_parse(spec, &devid, mac, &by_mac);
        snprintf(reason, sizeof(reason), "'%.64s' is no vif handle or MAC", spec);
        break;
    }
    snprintf(why, cap, "%s", r ? reason : "");
    return r ? -XEN_EINVAL : 0;
}

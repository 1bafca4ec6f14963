/* Routes one received frame to the part of the agent that owns it. */
#ifndef SBX_DISPATCH_H
#define SBX_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

void dispatch_frame(uint8_t type, uint32_t stream, const uint8_t *payload, size_t n);

#endif

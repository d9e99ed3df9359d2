/* writer.h: --write-decrypted: the inner PPP frames as a pcap (LINKTYPE_LINUX_SLL, like a capture on ppp0), original timestamps. */
#ifndef PA_WRITER_H
#define PA_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "finding.h"

typedef struct pa_pcapw pa_pcapw;

pa_pcapw *pa_pcapw_open(const char *path, char *err, size_t errlen);
/* One frame: IPv4 and IPv6 only; PNS>PAC written as outgoing, PAC>PNS as to-us. */
void pa_pcapw_ppp(pa_pcapw *w, const pt_where *at, uint16_t proto, const uint8_t *data, size_t len);
/* Returns 0, or -1 if a write failed (reported on stderr). */
int pa_pcapw_close(pa_pcapw *w);

#endif

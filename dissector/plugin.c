/* plugin.c: the four symbols a Wireshark 4.0 plugin exports (plugin_version, plugin_want_major/minor, plugin_register). */
#include <epan/packet.h>
#include <epan/proto.h>
#include <ws_symbol_export.h>
#include <ws_version.h>

#include "version.h"

#define PS_PLUGIN_VERSION PT_VERSION /* the one version of pptp-suite (lib/version.h) */

void proto_register_pptpsuite(void);
void proto_reg_handoff_pptpsuite(void);

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = PS_PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

void plugin_register(void)
{
	static proto_plugin plug;

	plug.register_protoinfo = proto_register_pptpsuite;
	plug.register_handoff = proto_reg_handoff_pptpsuite;
	proto_register_plugin(&plug);
}

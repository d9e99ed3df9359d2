/* version.h: the one version of pptp-suite, printed by every program's --version (and debian/changelog's). */
#ifndef PT_VERSION_H
#define PT_VERSION_H

#define PT_VERSION "0.3"

#endif

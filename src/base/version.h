/* version.h - the version of opora, as /healthz and `opora --version` report it. */
#ifndef OPORA_VERSION_H
#define OPORA_VERSION_H

#define OPORA_VERSION "0.1.0"

#endif

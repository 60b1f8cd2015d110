/* files.h - attachment contents on disk, content-addressed by SHA-256.
 *
 * A file's name is the hex SHA-256 of its bytes (dir/ab/abcdef...), so the
 * same content is stored once and a name can never point at other bytes.
 * A file is written to a temporary name, fsynced, renamed into place and the
 * directory fsynced: once put() returns, the content survives a crash. Files
 * are never changed; metadata lives in the database. */
#ifndef OPORA_FILES_H
#define OPORA_FILES_H

#include <stddef.h>
#include "base/rc.h"

struct filestore;

/* Opens (creating if needed) the store in dir. You own *out. */
op_rc filestore_open(const char *dir, struct filestore **out);
void filestore_close(struct filestore *fs);

/* Stores data durably; writes its hex SHA-256 into sha256 (65 bytes). */
op_rc filestore_put(struct filestore *fs, const void *data, size_t size, char sha256[65]);

/* Opens the content named sha256 for reading; you own *fd. OP_ERR_NOTFOUND
 * when it is not there, OP_ERR_INVALID when sha256 is not 64 hex digits. */
op_rc filestore_open_read(struct filestore *fs, const char *sha256, int *fd);

/* The directory, for copying a whole installation. */
const char *filestore_dir(const struct filestore *fs);

#endif

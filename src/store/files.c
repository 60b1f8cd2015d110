/* files.c - the content-addressed file store. */
#include "base/common.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "store/files.h"

struct filestore {
    char *dir;
};

static op_rc mkdir_p(const char *path)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
        return OP_ERR_INVALID;
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0750) != 0 && errno != EEXIST)
            return OP_ERR_IO;
        *p = '/';
    }
    if (mkdir(tmp, 0750) != 0 && errno != EEXIST)
        return OP_ERR_IO;
    return OP_OK;
}

op_rc filestore_open(const char *dir, struct filestore **out)
{
    char tmp[4096];
    if (strlen(dir) > 3800)
        return OP_ERR_INVALID;
    if (snprintf(tmp, sizeof(tmp), "%s/tmp", dir) >= (int)sizeof(tmp))
        return OP_ERR_INVALID;
    if (mkdir_p(tmp)) {
        log_error("msg=\"cannot create the files directory\" dir=\"%s\" errno=%d", dir, errno);
        return OP_ERR_IO;
    }
    struct filestore *fs = calloc(1, sizeof(*fs));
    if (!fs || !(fs->dir = strdup(dir))) {
        free(fs);
        return OP_ERR_NOMEM;
    }
    *out = fs;
    return OP_OK;
}

void filestore_close(struct filestore *fs)
{
    if (!fs)
        return;
    free(fs->dir);
    free(fs);
}

const char *filestore_dir(const struct filestore *fs)
{
    return fs->dir;
}

static bool hex64(const char *s)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return i == 64;
}

static op_rc fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return OP_ERR_IO;
    int r = fsync(fd);
    close(fd);
    return r == 0 ? OP_OK : OP_ERR_IO;
}

op_rc filestore_put(struct filestore *fs, const void *data, size_t size, char sha256[65])
{
    uint8_t h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, size);
    sodium_bin2hex(sha256, 65, h, sizeof(h));

    char sub[4096], final[4096 + 80], tmp[4096 + 96];
    snprintf(sub, sizeof(sub), "%s/%.2s", fs->dir, sha256);
    snprintf(final, sizeof(final), "%s/%s", sub, sha256);
    struct stat st;
    if (stat(final, &st) == 0 && (size_t)st.st_size == size)
        return OP_OK; /* the same bytes are there already */
    if (mkdir(sub, 0750) != 0 && errno != EEXIST)
        goto io;
    snprintf(tmp, sizeof(tmp), "%s/tmp/%s.XXXXXX", fs->dir, sha256);
    int fd = mkstemp(tmp);
    if (fd < 0)
        goto io;
    const char *p = data;
    size_t left = size;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            unlink(tmp);
            goto io;
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        unlink(tmp);
        goto io;
    }
    if (rename(tmp, final) != 0) {
        unlink(tmp);
        goto io;
    }
    if (fsync_dir(sub))
        goto io;
    return OP_OK;
io:
    log_error("msg=\"cannot store a file\" sha256=%s errno=%d", sha256, errno);
    return OP_ERR_IO;
}

op_rc filestore_open_read(struct filestore *fs, const char *sha256, int *fd)
{
    char path[4096 + 80];
    if (!hex64(sha256))
        return OP_ERR_INVALID;
    snprintf(path, sizeof(path), "%s/%.2s/%s", fs->dir, sha256, sha256);
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return errno == ENOENT ? OP_ERR_NOTFOUND : OP_ERR_IO;
    return OP_OK;
}

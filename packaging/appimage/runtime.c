/* The runtime of annotator's AppImage: the executable part of the file, followed by the app as a
 * SquashFS image (AppImage type 2 layout: the image starts where this ELF file ends, and "AI",
 * 2 sit at offset 8 of its header, written there by packaging/appimage.py).
 *
 * It needs no FUSE, which many desktops no longer install: at the first start it extracts the
 * image once into $XDG_CACHE_HOME/annotator-appimage/<image id>/ (~/.cache when that is not set;
 * about a second here), later starts run from there at once. Then it runs AppRun with APPIMAGE
 * (this file), APPDIR and ARGV0 set, as the AppImage runtime does. Linked statically: it runs on
 * any x86_64 Linux, whatever its glibc. Entries of the image are written only inside the
 * target folder: a name with "..", a link on the way or an absolute path is refused.
 *
 *   annotator.AppImage [ARGS]            extract once, then run the app with ARGS
 *   annotator.AppImage --appimage-extract   unpack into ./squashfs-root and stop
 *   annotator.AppImage --appimage-offset    print where the image starts and stop
 */
#define _GNU_SOURCE
#include <squashfuse/squashfuse.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static int fail(const char *what, const char *detail) {
    fprintf(stderr, "annotator AppImage: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return 1;
}

/* Where this ELF file ends: after its section header table (the image follows). */
static off_t elf_end(const char *path) {
    unsigned char header[64];
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t got = read(fd, header, sizeof header);
    close(fd);
    if (got != (ssize_t)sizeof header || memcmp(header, "\177ELF", 4) != 0 || header[4] != 2) return -1;
    uint64_t shoff;
    uint16_t shentsize, shnum;
    memcpy(&shoff, header + 0x28, sizeof shoff);
    memcpy(&shentsize, header + 0x3A, sizeof shentsize);
    memcpy(&shnum, header + 0x3C, sizeof shnum);
    return (off_t)(shoff + (uint64_t)shentsize * shnum);
}

static int make_parents(char *path) {
    for (char *p = path + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(path, 0755) != 0 && errno != EEXIST) return -1;
            *p = '/';
        }
    }
    return 0;
}

/* A path of the image that stays inside the target: relative, no empty, "." or ".." part. */
static int safe_inside(const char *relative) {
    if (!*relative || relative[0] == '/') return 0;
    const char *part = relative;
    while (*part) {
        const char *end = strchr(part, '/');
        size_t size = end ? (size_t)(end - part) : strlen(part);
        if (size == 0 || (size == 1 && part[0] == '.') || (size == 2 && part[0] == '.' && part[1] == '.')) return 0;
        part += size + (end ? 1 : 0);
    }
    return 1;
}

/* Every folder between the target and the entry is a real folder, not a link to elsewhere. */
static int no_link_on_the_way(const char *into, const char *path) {
    char prefix[PATH_MAX];
    size_t start = strlen(into) + 1;
    for (size_t i = start; path[i]; i++) {
        if (path[i] != '/') continue;
        memcpy(prefix, path, i);
        prefix[i] = '\0';
        struct stat st;
        if (lstat(prefix, &st) != 0 || !S_ISDIR(st.st_mode)) return 0;
    }
    return 1;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

static int remove_tree(const char *path) {
    return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int extract(sqfs *fs, const char *into) {
    static char buffer[1 << 20];
    char path[PATH_MAX];
    sqfs_traverse walk;
    sqfs_err err = SQFS_OK;
    if (mkdir(into, 0755) != 0 && errno != EEXIST) return fail("cannot create", into);
    if (sqfs_traverse_open(&walk, fs, sqfs_inode_root(fs)) != SQFS_OK) return fail("cannot read the image", NULL);
    int status = 0;
    while (status == 0 && sqfs_traverse_next(&walk, &err)) {
        if (walk.dir_end) continue;
        sqfs_inode inode;
        if (sqfs_inode_get(fs, &inode, sqfs_dentry_inode(&walk.entry)) != SQFS_OK) {
            status = fail("damaged image at", walk.path);
            break;
        }
        if (!safe_inside(walk.path)) {
            status = fail("refused an entry outside the app's folder", walk.path);
            break;
        }
        if (snprintf(path, sizeof path, "%s/%s", into, walk.path) >= (int)sizeof path) {
            status = fail("path too long", walk.path);
            break;
        }
        make_parents(path);
        if (!no_link_on_the_way(into, path)) {
            status = fail("refused an entry behind a link", walk.path);
            break;
        }
        mode_t type = sqfs_mode(inode.base.inode_type) & S_IFMT;
        mode_t permissions = inode.base.mode & 07777;
        if (S_ISDIR(type)) {
            if (mkdir(path, 0755) != 0 && errno != EEXIST) status = fail("cannot create", path);
        } else if (S_ISLNK(type)) {
            size_t size = sizeof buffer;
            if (sqfs_readlink(fs, &inode, buffer, &size) != SQFS_OK) {
                status = fail("damaged link in the image", walk.path);
            } else {
                unlink(path);  /* (extracting again over an earlier extraction) */
                if (symlink(buffer, path) != 0) status = fail("cannot make the link", path);
            }
        } else if (S_ISREG(type)) {
            unlink(path);  /* never write through a link left there */
            int out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, (permissions & 0777) | 0600);
            if (out < 0) {
                status = fail("cannot write", path);
                break;
            }
            sqfs_off_t done = 0, total = (sqfs_off_t)inode.xtra.reg.file_size;
            while (done < total) {
                sqfs_off_t size = total - done < (sqfs_off_t)sizeof buffer ? total - done : (sqfs_off_t)sizeof buffer;
                if (sqfs_read_range(fs, &inode, done, &size, buffer) != SQFS_OK || size <= 0 ||
                    write(out, buffer, (size_t)size) != (ssize_t)size) {
                    status = fail("cannot unpack", path);
                    break;
                }
                done += size;
            }
            if (close(out) != 0 && status == 0) status = fail("cannot write", path);
        }
    }
    sqfs_traverse_close(&walk);
    if (status == 0 && err != SQFS_OK) status = fail("damaged image", NULL);
    return status;
}

int main(int argc, char **argv) {
    char self[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    if (length <= 0) return fail("cannot find this file", NULL);
    self[length] = '\0';
    off_t offset = elf_end(self);
    if (offset <= 0) return fail("not an AppImage", self);
    if (argc > 1 && strcmp(argv[1], "--appimage-offset") == 0) {
        printf("%lld\n", (long long)offset);
        return 0;
    }
    sqfs fs;
    if (sqfs_open_image(&fs, self, (size_t)offset) != SQFS_OK) return fail("cannot open the app inside", self);
    fcntl(fs.fd, F_SETFD, FD_CLOEXEC);  /* the app does not keep this file open */

    if (argc > 1 && strcmp(argv[1], "--appimage-extract") == 0) {
        int status = extract(&fs, "squashfs-root");
        sqfs_destroy(&fs);
        if (status == 0) puts("squashfs-root");
        return status;
    }

    /* ~/.cache/annotator-appimage/<size and time of this image>: a new build gets a new folder */
    char cache[PATH_MAX - 64], target[PATH_MAX], partial[PATH_MAX + 32], done_marker[PATH_MAX + 16];
    const char *base = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    if (base && base[0] == '/') snprintf(cache, sizeof cache, "%s/annotator-appimage", base);
    else if (home && home[0] == '/') snprintf(cache, sizeof cache, "%s/.cache/annotator-appimage", home);
    else return fail("set HOME (or XDG_CACHE_HOME) to a folder: the app is unpacked there once", NULL);
    snprintf(target, sizeof target, "%s/%llx-%x", cache, (unsigned long long)fs.sb.bytes_used,
             (unsigned)fs.sb.mkfs_time);
    snprintf(done_marker, sizeof done_marker, "%s/.unpacked", target);
    if (access(done_marker, F_OK) != 0) {
        char parents[PATH_MAX + 48];
        snprintf(parents, sizeof parents, "%s/", cache);
        if (make_parents(parents) != 0) return fail("cannot create", cache);
        snprintf(partial, sizeof partial, "%s.partial-XXXXXX", target);  /* (one of its own per start) */
        if (mkdtemp(partial) == NULL) return fail("cannot create a folder in", cache);
        fprintf(stderr, "annotator: unpacking the app once into %s ...\n", target);
        if (extract(&fs, partial) != 0) {
            remove_tree(partial);
            return 1;
        }
        char marker[PATH_MAX + 48];
        snprintf(marker, sizeof marker, "%s/.unpacked", partial);
        int made = open(marker, O_WRONLY | O_CREAT, 0644);
        int folder = open(partial, O_RDONLY | O_DIRECTORY);
        if (made < 0 || folder < 0 || syncfs(folder) != 0) {  /* on the disk before it is trusted */
            remove_tree(partial);
            return fail("cannot finish unpacking into", partial);
        }
        close(made);
        close(folder);
        if (rename(partial, target) != 0) {
            int why = errno;
            remove_tree(partial);
            if (why != EEXIST && why != ENOTEMPTY) return fail("cannot put the unpacked app in place", target);
            /* (another start got there first: its folder is as good) */
        }
    }
    sqfs_destroy(&fs);

    char apprun[PATH_MAX + 16];
    snprintf(apprun, sizeof apprun, "%s/AppRun", target);
    setenv("APPIMAGE", self, 1);
    setenv("APPDIR", target, 1);
    setenv("ARGV0", argv[0], 1);
    argv[0] = apprun;
    execv(apprun, argv);
    return fail("cannot start", apprun);
}

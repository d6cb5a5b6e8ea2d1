#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cpty.h"

int cpty_open(char *slave, size_t size) {
    int fd = posix_openpt(O_RDWR | O_NOCTTY);
    if (fd < 0) return -1;
    const char *name = (grantpt(fd) == 0 && unlockpt(fd) == 0) ? ptsname(fd) : NULL;
    if (name == NULL || strlen(name) >= size) {
        close(fd);
        return -1;
    }
    strcpy(slave, name);
    return fd;
}

short cpty_spawn_setsid(void) { return POSIX_SPAWN_SETSID; }

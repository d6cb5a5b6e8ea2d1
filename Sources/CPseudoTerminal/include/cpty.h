#ifndef CPTY_H
#define CPTY_H
#include <stddef.h>

/// Opens a pseudo-terminal's master side and writes its slave's path into `slave` (grantpt, unlockpt and
/// ptsname are feature-test macros away from Swift's Glibc module). Returns the descriptor, or -1.
int cpty_open(char *slave, size_t size);

/// posix_spawn's flag for a new session (a GNU extension the Swift module does not export).
short cpty_spawn_setsid(void);

#endif

// Linux interfaces that Glibc's Swift module map leaves out. Header-only: nothing here is compiled on its own.
#ifndef CLINUXSYS_SHIM_H
#define CLINUXSYS_SHIM_H

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/random.h>
#include <signal.h>
#include <pthread.h>
#include <errno.h>
#include <spawn.h>

// accept4 is a GNU extension: the Glibc module is built without _GNU_SOURCE, so declare it here.
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);

// glibc 2.34's, also declared only under _GNU_SOURCE: the test harness spawns hubs and redis-servers with
// nothing open but stdin, stdout and stderr (a socket opened on another thread must not live on in them).
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);

// Also a GNU extension; threads are named so `top -H` and perf show which loop is busy.
extern int pthread_setname_np(pthread_t thread, const char *name);

static inline int clinux_errno(void) { return errno; }

// epoll_data is a union; Swift sees it as a struct, so reading and writing the u64 member goes through here.
static inline struct epoll_event clinux_epoll_event(uint32_t events, uint64_t data) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = data;
    return event;
}
static inline uint64_t clinux_epoll_data(const struct epoll_event *event) { return event->data.u64; }
static inline uint32_t clinux_epoll_events(const struct epoll_event *event) { return event->events; }

#endif

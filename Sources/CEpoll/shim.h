// The Glibc module that Swift imports leaves out epoll, eventfd and the two GNU extensions below; the HTTP
// server's event loop needs them.
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

// glibc declares these only under _GNU_SOURCE, which would also change definitions shared with the Glibc module.
extern int accept4(int, struct sockaddr *, socklen_t *, int);
extern int pthread_setname_np(pthread_t, const char *);

/// accept4(2) without the peer address: the new descriptor, or -1 with errno set.
static inline int shim_accept4(int listener, int flags) {
    return accept4(listener, 0, 0, flags);
}

/// Names the calling thread (at most 15 bytes); 0 on success.
static inline int shim_set_thread_name(const char *name) {
    return pthread_setname_np(pthread_self(), name);
}

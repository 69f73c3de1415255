// The system calls Node does not offer: setns (enter a network namespace on the calling
// thread), flock (the lock host-local's store shares with the reference plugin), and a
// blocking netlink socket. Only napi_* calls, no libuv: the same file serves Node and Bun.
// Errors are thrown like Node's own system errors: code, errno (negative), syscall.
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <node_api.h>

static const char *errno_code(int e) {
  switch (e) {
#define E(x) case x: return #x;
    E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(EBADF) E(EAGAIN) E(ENOMEM) E(EACCES)
    E(EBUSY) E(EINVAL) E(EMFILE) E(ENOLCK) E(ENOSYS) E(EUSERS) E(EOPNOTSUPP)
    E(ENOBUFS) E(ETIMEDOUT) E(EMSGSIZE) E(EPROTONOSUPPORT)
#undef E
    default: return "EUNKNOWN";
  }
}

// The message is Node's "CODE: text, syscall" unless `why` gives one of our own. Returns NULL
// so a caller can `return throw_error(...)`.
static napi_value throw_error(napi_env env, int e, const char *syscall, const char *why) {
  char text[128], msg[192];
  if (why != NULL) {
    snprintf(msg, sizeof msg, "%s", why);
  } else {
    const char *s = strerror_r(e, text, sizeof text);
    snprintf(msg, sizeof msg, "%s: %s, %s", errno_code(e), s, syscall);
    // Go's (and the reference plugins') error texts start in lower case.
    char *colon = strchr(msg, ':');
    if (colon && colon[1] == ' ' && colon[2] >= 'A' && colon[2] <= 'Z') colon[2] += 'a' - 'A';
  }
  napi_value code, message, err, num, sys;
  napi_create_string_utf8(env, errno_code(e), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &err);
  napi_create_int32(env, -e, &num);
  napi_set_named_property(env, err, "errno", num);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &sys);
  napi_set_named_property(env, err, "syscall", sys);
  napi_throw(env, err);
  return NULL;
}

static napi_value throw_errno(napi_env env, int e, const char *syscall) {
  return throw_error(env, e, syscall, NULL);
}

// Reads args[i] as an fd and args[i+1] as a short string; false once a TypeError is pending.
static bool fd_and_word(napi_env env, napi_value *args, size_t argc, int *fd, char *word, size_t n) {
  napi_valuetype t0 = napi_undefined, t1 = napi_undefined;
  if (argc >= 2) { napi_typeof(env, args[0], &t0); napi_typeof(env, args[1], &t1); }
  if (t0 != napi_number || t1 != napi_string) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected (fd: number, kind: string)");
    return false;
  }
  size_t len = 0;
  napi_get_value_int32(env, args[0], fd);
  napi_get_value_string_utf8(env, args[1], word, n, &len);
  return true;
}

// setns(fd, 'net'): moves the calling thread (Node's main thread) into the namespace.
static napi_value js_setns(napi_env env, napi_callback_info info) {
  napi_value args[2];
  size_t argc = 2;
  int fd;
  char kind[8];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (!fd_and_word(env, args, argc, &fd, kind, sizeof kind)) return NULL;
  if (strcmp(kind, "net") != 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", "setns: only the 'net' namespace type is supported");
    return NULL;
  }
  if (setns(fd, CLONE_NEWNET) != 0) return throw_errno(env, errno, "setns");
  return NULL;
}

// flock(fd, 'ex' | 'sh' | 'un', nonBlocking): a blocking call blocks the event loop, on purpose:
// the plugins are short-lived processes that have nothing else to do while they wait.
static napi_value js_flock(napi_env env, napi_callback_info info) {
  napi_value args[3];
  size_t argc = 3;
  int fd, op;
  char kind[4];
  bool nb = false;
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (!fd_and_word(env, args, argc, &fd, kind, sizeof kind)) return NULL;
  if (strcmp(kind, "ex") == 0) op = LOCK_EX;
  else if (strcmp(kind, "sh") == 0) op = LOCK_SH;
  else if (strcmp(kind, "un") == 0) op = LOCK_UN;
  else {
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", "flock: op must be 'ex', 'sh' or 'un'");
    return NULL;
  }
  if (argc >= 3) napi_get_value_bool(env, args[2], &nb);  // a non-boolean leaves it false
  int rc;
  do rc = flock(fd, op | (nb ? LOCK_NB : 0));
  while (rc != 0 && errno == EINTR);
  if (rc != 0) return throw_errno(env, errno, "flock");
  return NULL;
}

// One number argument, read as int32; false once a TypeError is pending.
static bool one_int(napi_env env, napi_callback_info info, int32_t *out, const char *usage) {
  napi_value arg;
  size_t argc = 1;
  napi_valuetype t = napi_undefined;
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  if (argc >= 1) napi_typeof(env, arg, &t);
  if (t != napi_number) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", usage);
    return false;
  }
  napi_get_value_int32(env, arg, out);
  return true;
}

// A request is one small message (a veth pair with its peer is under 1 KiB), so 32 KiB to send
// is plenty. Answers get 1 MiB of room (the kernel caps it at net.core.rmem_max): a dump is
// only built as we read it, but nothing we ask for should ever overflow into ENOBUFS.
enum { SEND_BUF = 32 << 10, RECV_BUF = 1 << 20 };

// netlinkOpen(protocol): a blocking netlink socket of that protocol (0 rtnetlink, 12
// nfnetlink) in the calling thread's network namespace, where it stays for its whole life.
// No NETLINK_EXT_ACK: callers report the errno in the reference plugins' words, never the
// kernel's extra text.
static napi_value js_netlink_open(napi_env env, napi_callback_info info) {
  int32_t protocol;
  if (!one_int(env, info, &protocol, "expected (protocol: number)")) return NULL;
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
  if (fd < 0) return throw_errno(env, errno, "socket");
  const int snd = SEND_BUF, rcv = RECV_BUF;
  const struct sockaddr_nl self = { .nl_family = AF_NETLINK };  // nl_pid 0: the kernel picks our port id
  const char *failed = NULL;
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof snd) != 0 || setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv) != 0)
    failed = "setsockopt";
  else if (bind(fd, (const struct sockaddr *)&self, sizeof self) != 0)
    failed = "bind";
  if (failed != NULL) {
    int e = errno;
    close(fd);
    return throw_errno(env, e, failed);
  }
  napi_value result;
  napi_create_int32(env, fd, &result);
  return result;
}

static napi_value js_netlink_close(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!one_int(env, info, &fd, "expected (fd: number)")) return NULL;
  if (close(fd) != 0) return throw_errno(env, errno, "close");
  return NULL;
}

// How often a dump that the kernel marks NLM_F_DUMP_INTR (the table changed while it was being
// read) is tried in all before giving up, as upstream's netlinksafe does.
enum { DUMP_ATTEMPTS = 5 };

// Process-wide, so unique per socket: an answer left queued by an earlier request that timed
// out never matches a later one. Atomic because worker threads would share it.
static uint32_t last_seq;

struct bytes {
  char *p;
  size_t len, cap;
};

// Makes room for n more bytes; false when out of memory.
static bool reserve(struct bytes *b, size_t n) {
  if (b->len + n <= b->cap) return true;
  size_t cap = b->cap != 0 ? b->cap : 32 << 10;
  while (cap < b->len + n) cap *= 2;
  char *p = realloc(b->p, cap);
  if (p == NULL) return false;
  b->p = p;
  b->cap = cap;
  return true;
}

struct failure {
  int e;
  const char *syscall;
  const char *why;  // our own message, or NULL for Node's "CODE: text, syscall"
};

static int64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

// Receives the next datagram whole into `in`, grown to its size first (it is peeked at, so
// nothing is ever cut off by MSG_TRUNC); returns its length, or -1 with f filled in. poll() runs
// only when nothing is queued: the kernel has answered most requests by the time sendto returns.
static ssize_t receive(int fd, struct bytes *in, int64_t deadline, struct failure *f) {
  for (;;) {
    ssize_t size = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
    if (size >= 0) {
      in->len = 0;
      if (!reserve(in, (size_t)size)) {
        *f = (struct failure){ ENOMEM, "malloc", NULL };
        return -1;
      }
      // Reading with all the room we have lets the kernel build dump parts that big.
      ssize_t n;
      do n = recv(fd, in->p, in->cap, 0);
      while (n < 0 && errno == EINTR);
      if (n < 0) *f = (struct failure){ errno, "recv", NULL };
      return n;
    }
    if (errno == EINTR) continue;
    // ENOBUFS lands here: the kernel dropped messages meant for us, so the answer is incomplete.
    if (errno != EAGAIN) {
      *f = (struct failure){ errno, "recv", NULL };
      return -1;
    }
    int64_t left = deadline - now_ms();
    if (left <= 0) {
      *f = (struct failure){ ETIMEDOUT, "poll", "no answer from the kernel in time" };
      return -1;
    }
    struct pollfd p = { .fd = fd, .events = POLLIN };
    if (poll(&p, 1, (int)left) < 0 && errno != EINTR) {
      *f = (struct failure){ errno, "poll", NULL };
      return -1;
    }
  }
}

// Sends msg under a new sequence number and gathers into `out` the messages of its answer,
// headers included: every message with that number, up to and including the NLMSG_ERROR (an
// ACK when its errno is 0) or NLMSG_DONE that ends it. Other numbers are skipped. An
// interrupted dump is read to its end, then asked again. Returns false with f filled in.
static bool exchange(int fd, char *msg, size_t len, int timeout_ms, struct bytes *out, struct failure *f) {
  struct nlmsghdr *req = (struct nlmsghdr *)msg;
  const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  struct bytes in = { 0 };
  int64_t deadline = now_ms() + timeout_ms;
  bool ok = false;
  for (int attempt = 0; attempt < DUMP_ATTEMPTS; attempt++) {
    req->nlmsg_seq = __atomic_add_fetch(&last_seq, 1, __ATOMIC_RELAXED);
    ssize_t sent;
    do sent = sendto(fd, msg, len, 0, (const struct sockaddr *)&kernel, sizeof kernel);
    while (sent < 0 && errno == EINTR);
    if (sent < 0) {
      *f = (struct failure){ errno, "sendto", NULL };
      goto done;
    }
    out->len = 0;
    size_t last = 0;
    bool interrupted = false, ended = false;
    while (!ended) {
      ssize_t n = receive(fd, &in, deadline, f);
      if (n < 0) goto done;
      for (size_t at = 0; !ended && at + NLMSG_HDRLEN <= (size_t)n;) {
        const struct nlmsghdr *h = (const struct nlmsghdr *)(in.p + at);
        if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > (size_t)n - at) break;
        at += NLMSG_ALIGN(h->nlmsg_len);
        if (h->nlmsg_seq != req->nlmsg_seq) continue;
        if (!reserve(out, NLMSG_ALIGN(h->nlmsg_len))) {
          *f = (struct failure){ ENOMEM, "malloc", NULL };
          goto done;
        }
        last = out->len;
        memcpy(out->p + last, h, h->nlmsg_len);
        memset(out->p + last + h->nlmsg_len, 0, NLMSG_ALIGN(h->nlmsg_len) - h->nlmsg_len);
        out->len += NLMSG_ALIGN(h->nlmsg_len);
        interrupted |= (h->nlmsg_flags & NLM_F_DUMP_INTR) != 0;
        ended = h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE;
      }
    }
    // Both end messages start with an errno; a dump that failed has nothing to retry.
    const struct nlmsghdr *end = (const struct nlmsghdr *)(out->p + last);
    int errno_of_end = 0;
    if (end->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) memcpy(&errno_of_end, NLMSG_DATA(end), sizeof(int));
    if (!interrupted || errno_of_end != 0) {
      ok = true;
      goto done;
    }
  }
  *f = (struct failure){ EINTR, "recv", "dump interrupted by concurrent changes on every attempt (NLM_F_DUMP_INTR)" };
done:
  free(in.p);
  return ok;
}

// netlinkRequest(fd, message, timeoutMs): sends one message (its nlmsg_seq is set here) and
// returns its answer as one Buffer of whole netlink messages, the last of them the
// NLMSG_ERROR or NLMSG_DONE that ended it; the caller reads the errno there. Blocks until then.
static napi_value js_netlink_request(napi_env env, napi_callback_info info) {
  napi_value args[3];
  size_t argc = 3;
  napi_valuetype t0 = napi_undefined, t2 = napi_undefined;
  bool is_buffer = false;
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc >= 3) {
    napi_typeof(env, args[0], &t0);
    napi_is_buffer(env, args[1], &is_buffer);
    napi_typeof(env, args[2], &t2);
  }
  if (t0 != napi_number || !is_buffer || t2 != napi_number) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected (fd: number, message: Buffer, timeoutMs: number)");
    return NULL;
  }
  int32_t fd, timeout_ms;
  void *data;
  size_t len;
  napi_get_value_int32(env, args[0], &fd);
  napi_get_buffer_info(env, args[1], &data, &len);
  napi_get_value_int32(env, args[2], &timeout_ms);
  if (len < NLMSG_HDRLEN) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", "netlinkRequest: the message is shorter than a netlink header");
    return NULL;
  }
  // A copy, so that the sequence number written into it leaves the caller's buffer as it was.
  char *msg = malloc(len);
  if (msg == NULL) return throw_errno(env, ENOMEM, "malloc");
  memcpy(msg, data, len);
  struct bytes out = { 0 };
  struct failure f = { 0 };
  napi_value result = NULL;
  if (exchange(fd, msg, len, timeout_ms, &out, &f)) napi_create_buffer_copy(env, out.len, out.p, NULL, &result);
  else throw_error(env, f.e, f.syscall, f.why);
  free(msg);
  free(out.p);
  return result;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
    {"setns", NULL, js_setns, NULL, NULL, NULL, napi_enumerable, NULL},
    {"flock", NULL, js_flock, NULL, NULL, NULL, napi_enumerable, NULL},
    {"netlinkOpen", NULL, js_netlink_open, NULL, NULL, NULL, napi_enumerable, NULL},
    {"netlinkRequest", NULL, js_netlink_request, NULL, NULL, NULL, napi_enumerable, NULL},
    {"netlinkClose", NULL, js_netlink_close, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

// UDP sink for bench/fanout.ts: counts RTP packets of one payload type arriving on K loopback
// sockets. Written in C with recvmmsg because a Node sink tops out near the packet rates being
// measured and would report its own limit as the SFU's loss.
// Usage: fanout-sink K PT. Prints the K ports on the first line; each "c" line on stdin prints
// the running count.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64
#define MAXSOCK 64

int main(int argc, char **argv) {
  int k = argc > 1 ? atoi(argv[1]) : 8, pt = argc > 2 ? atoi(argv[2]) : 100;
  if (k < 1 || k > MAXSOCK) return 2;
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN};
  ev.data.fd = 0;
  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev);
  for (int i = 0; i < k; i++) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0), size = 4 << 20;
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (bind(s, (struct sockaddr *)&a, sizeof a) || getsockname(s, (struct sockaddr *)&a, &len)) return 1;
    printf("%s%d", i ? " " : "", ntohs(a.sin_port));
    ev.data.fd = s;
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
  }
  printf("\n");
  fflush(stdout);
  static char bufs[BATCH][1500];
  struct iovec iov[BATCH];
  struct mmsghdr msgs[BATCH];
  for (int i = 0; i < BATCH; i++) {
    iov[i] = (struct iovec){bufs[i], sizeof bufs[i]};
    msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
  }
  unsigned long long count = 0;
  struct epoll_event ready[MAXSOCK + 1];
  for (;;) {
    int n = epoll_wait(ep, ready, MAXSOCK + 1, -1);
    for (int i = 0; i < n; i++) {
      int fd = ready[i].data.fd;
      if (fd == 0) {
        char line[16];
        if (!fgets(line, sizeof line, stdin)) return 0;
        printf("%llu\n", count);
        fflush(stdout);
        continue;
      }
      int got;
      while ((got = recvmmsg(fd, msgs, BATCH, 0, NULL)) > 0) {
        for (int j = 0; j < got; j++) if (msgs[j].msg_len >= 12 && (bufs[j][1] & 0x7f) == pt) count++;
      }
    }
  }
}
